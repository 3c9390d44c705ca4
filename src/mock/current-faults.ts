/**
 * The providers' answers of late 2026 (provider-wire.md §9) as simulator faults, in both
 * dialects (where a provider has no such answer, the nearest one it does send):
 *
 * | fault | OpenAI | Anthropic |
 * | --- | --- | --- |
 * | `slow_down` | 429 `rate_limit_error` / `slow_down` | 429 `rate_limit_error` (request rate rose too fast) |
 * | `billing` | 429 `insufficient_quota` with the fault's `code` | 400 "credit balance is too low" |
 * | `server_overloaded` | 503 `service_unavailable_error` / `server_is_overloaded` | 529 `overloaded_error` |
 * | `cdn_error` | the CDN's HTML page with its 520–524 | the same |
 * | `overloaded_event` | a 200 stream whose error frame (`server_is_overloaded`) comes before any content | a 200 stream with `event: error` `overloaded_error` right after `message_start` |
 *
 * A non-streaming request meeting `overloaded_event` gets the dialect's overload status instead.
 */

import { anthropicEnvelope } from './error-anthropic.ts';
import { openaiEnvelope } from './error-openai.ts';
import { cloudflarePage, type ErrorReply, retryHeaders } from './error-reply.ts';
import type { BillingCode, CdnStatus, Dialect } from './scenario.ts';
import { dataFrame, eventFrame, type Frame } from './sse.ts';

export type CurrentFault =
  | { kind: 'slow_down'; retryAfterS?: number | undefined }
  | { kind: 'billing'; code?: BillingCode | undefined }
  | { kind: 'server_overloaded' }
  | { kind: 'cdn_error'; status: CdnStatus }
  | { kind: 'overloaded_event' };

const SLOW_DOWN =
  'Your request rate increased too quickly and is impacting service reliability. Please reduce your request rate to its original level, hold it for at least 15 minutes, then increase it gradually.';
const QUOTA =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
const SERVER_OVERLOADED = 'The server is overloaded, please try again later.';

/** The answer a status-like current fault gives, headers included. */
export function currentFaultReply(
  fault: CurrentFault,
  dialect: Dialect,
  requestId: string,
): ErrorReply {
  const reply = body(fault, dialect, requestId);
  if (fault.kind === 'slow_down') Object.assign(reply.headers, retryHeaders(fault));
  return reply;
}

function body(fault: CurrentFault, dialect: Dialect, requestId: string): ErrorReply {
  const anthropic = (status: number, type: string, message: string) =>
    anthropicEnvelope(status, { type, message }, requestId);
  switch (fault.kind) {
    case 'cdn_error':
      return cloudflarePage(fault.status);
    case 'slow_down':
      return dialect === 'openai'
        ? openaiEnvelope(429, {
            message: SLOW_DOWN,
            type: 'rate_limit_error',
            param: null,
            code: 'slow_down',
          })
        : anthropic(
            429,
            'rate_limit_error',
            "Your organization's request rate increased too quickly. Please ramp up gradually.",
          );
    case 'billing':
      return dialect === 'openai'
        ? openaiEnvelope(429, {
            message: QUOTA,
            type: 'insufficient_quota',
            param: null,
            code: fault.code ?? 'insufficient_quota',
          })
        : anthropic(
            400,
            'invalid_request_error',
            'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
          );
    case 'server_overloaded':
    case 'overloaded_event':
      return dialect === 'openai'
        ? openaiEnvelope(503, {
            message: SERVER_OVERLOADED,
            type: 'service_unavailable_error',
            param: null,
            code: 'server_is_overloaded',
          })
        : anthropic(529, 'overloaded_error', 'Overloaded');
  }
}

/** The overload event a 200 stream carries before any content. */
export function overloadedFrame(dialect: Dialect): Frame {
  return dialect === 'openai'
    ? dataFrame({
        error: {
          message: SERVER_OVERLOADED,
          type: 'service_unavailable_error',
          param: null,
          code: 'server_is_overloaded',
        },
      })
    : eventFrame('error', {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      });
}
