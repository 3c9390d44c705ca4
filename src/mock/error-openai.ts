/**
 * OpenAI error answers: `{"error":{message,type,param,code}}` with the provider's real types,
 * codes and messages per status (provider-wire.md §1, §8), and the variants a scenario can ask
 * for: `insufficient_quota` (or `spend_cap`) 429, `slow_down` 503, `context_length` 400,
 * `text_plain_401` (JSON sent as text/plain with a top-level `status`), `cloudflare` (HTML page).
 */

import { cloudflarePage, type ErrorReply, humanWait, maskKey } from './error-reply.ts';
import type { StatusVariant } from './scenario.ts';

export interface OpenAIErrorSpec {
  model: string;
  variant?: StatusVariant | undefined;
  message?: string | undefined;
  /** The key the caller sent, echoed masked in a 401. */
  apiKey?: string | undefined;
  /** For the default 429 message. */
  retryAfterMs?: number | undefined;
  inputTokens?: number;
}

interface Envelope {
  message: string;
  type: string;
  param: string | null;
  code: string | number | null;
}

const OVERLOADED = 'The engine is currently overloaded, please try again later';
const SERVER_ERROR = 'The server had an error while processing your request. Sorry about that!';

function envelope(status: number, spec: OpenAIErrorSpec): Envelope {
  const e = (message: string, type: string, code: Envelope['code'] = null, param = null) =>
    ({ message, type, param, code }) as Envelope;
  switch (status) {
    case 400:
      if (spec.variant === 'context_length') {
        const tokens = 128_001 + (spec.inputTokens ?? 0);
        return {
          ...e(
            `This model's maximum context length is 128000 tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
            'invalid_request_error',
            'context_length_exceeded',
          ),
          param: 'messages',
        };
      }
      return e('Invalid request.', 'invalid_request_error');
    case 401:
      if (!spec.apiKey) {
        return e(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
          'invalid_request_error',
        );
      }
      return e(
        `Incorrect API key provided: ${maskKey(spec.apiKey)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        'invalid_api_key',
      );
    case 403:
      return e(
        'Country, region, or territory not supported',
        'request_forbidden',
        'unsupported_country_region_territory',
      );
    case 404:
      return e(
        `The model \`${spec.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    case 408:
      return e('Request timed out.', 'invalid_request_error', 'request_timeout');
    case 409:
      return e(
        'The request conflicted with another request. Please retry.',
        'invalid_request_error',
        'conflict',
      );
    case 413:
      return e('Request too large.', 'invalid_request_error', 'request_too_large');
    case 422:
      return e('Unprocessable entity.', 'invalid_request_error');
    case 429:
      if (spec.variant === 'insufficient_quota' || spec.variant === 'spend_cap') {
        return e(
          'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
          'insufficient_quota',
          'insufficient_quota',
        );
      }
      return e(
        `Rate limit reached for ${spec.model} in organization org-mock on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${humanWait(spec.retryAfterMs ?? 120)}. Visit https://platform.openai.com/account/rate-limits to learn more.`,
        'requests',
        'rate_limit_exceeded',
      );
    case 502:
      return e('Bad gateway.', 'cf_bad_gateway', 502);
    case 503:
      if (spec.variant === 'slow_down') return e('Slow Down', 'server_error', 'slow_down');
      return e(OVERLOADED, 'server_error');
    case 504:
      return e('Gateway timeout.', 'cf_gateway_timeout', 504);
    case 529:
      return e('Overloaded', 'server_error');
    default:
      return e(SERVER_ERROR, 'server_error');
  }
}

export function openaiError(status: number, spec: OpenAIErrorSpec): ErrorReply {
  if (spec.variant === 'cloudflare') return cloudflarePage(status);
  const error = envelope(status, spec);
  if (spec.message) error.message = spec.message;
  if (status === 401 && spec.variant === 'text_plain_401') {
    return {
      status,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: JSON.stringify({ error, status }),
    };
  }
  return openaiEnvelope(status, error);
}

/** Any OpenAI envelope (validation, rate limits) as a reply. */
export function openaiEnvelope(status: number, error: Envelope): ErrorReply {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error }),
  };
}
