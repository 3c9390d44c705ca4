/**
 * The shape checks made before a request reaches the engine (every entry path: gateway and
 * client.fetch alike): every field the
 * engine, its translators or the provider read has the type the provider's API gives it, so a
 * client's mistake is answered with a 400 that names the field — never passed on to become an
 * upstream 5xx or a crash in a translator. Values are left to the provider (a temperature of 7 is
 * its call); unknown fields pass through untouched, as providers add fields often. `max_tokens`
 * may be left out in both dialects: the route's max_tokens policy gives a request without it its
 * default before anything is sent (Anthropic itself requires the field).
 *
 * Also refused here: fields that would choose an upstream (`base_url`, `api_key`, …) — upstream
 * URLs and keys come from the config only — and JSON nested deeper than any real request is.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import { RejectedError } from '../errors/index.ts';
import { Shape } from './shape-check.ts';

/** Deeper than any real request (tool schemas included); bounds every recursive reader. */
export const MAX_DEPTH = 64;

const UPSTREAM_FIELDS = ['base_url', 'baseURL', 'api_base', 'api_key', 'apiKey', 'custom_host'];

export type Endpoint = 'chat' | 'messages' | 'count_tokens';

/**
 * Whether `value` (an object at nesting level `depth`, the body being level 1) holds objects or
 * arrays nested past MAX_DEPTH. Recursive, which the bound keeps safe (at most 65 frames), and
 * allocation-free: a stack of [value, depth] pairs and an `Object.values` array per object were
 * a sizeable share of what checking a request cost.
 */
function nestedTooDeep(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1))
        return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  // JSON.parse makes plain objects with own properties only, so for…in visits just those.
  for (const key in record) {
    const child = record[key];
    if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1)) return true;
  }
  return false;
}

function checkOpenAI(s: Shape, body: Record<string, unknown>): void {
  s.integer(body, 'max_tokens', 0);
  s.integer(body, 'max_completion_tokens', 0);
  s.integer(body, 'n', 1);
  s.integer(body, 'seed');
  s.integer(body, 'top_logprobs', 0);
  for (const f of ['temperature', 'top_p', 'presence_penalty', 'frequency_penalty'])
    s.number(body, f);
  for (const f of ['logprobs', 'parallel_tool_calls', 'store']) s.boolean(body, f);
  for (const f of ['stream_options', 'response_format', 'metadata', 'logit_bias'])
    s.object(body, f);
  s.string(body, 'user');
  s.stringOrList(body, 'stop');
  s.stringOrObject(body, 'tool_choice');
  s.list(body, 'tools', (tool, path) => {
    s.string(tool, 'type', path);
    if (tool.type === undefined || tool.type === 'function') {
      const fn = s.object(tool, 'function', path, true);
      if (fn) {
        s.string(fn, 'name', `${path}.function`, true);
        s.object(fn, 'parameters', `${path}.function`);
      }
    }
  });
  s.list(
    body,
    'messages',
    (message, path) => {
      s.string(message, 'role', path, true);
      s.string(message, 'name', path);
      if (message.role === 'tool') s.string(message, 'tool_call_id', path, true);
      // Only an assistant turn (one that calls tools) may leave `content` out.
      s.content(message, path, 'openai', message.role !== 'assistant');
      s.list(
        message,
        'tool_calls',
        (call, callPath) => {
          s.string(call, 'id', callPath);
          s.string(call, 'type', callPath);
          if (call.type === undefined || call.type === 'function') {
            const fn = s.object(call, 'function', callPath, true);
            if (fn) {
              s.string(fn, 'name', `${callPath}.function`, true);
              s.string(fn, 'arguments', `${callPath}.function`);
            }
          }
        },
        path,
      );
    },
    '',
    true,
  );
}

function checkAnthropic(s: Shape, body: Record<string, unknown>): void {
  s.integer(body, 'max_tokens', 0);
  s.integer(body, 'top_k', 0);
  s.number(body, 'temperature');
  s.number(body, 'top_p');
  for (const f of ['metadata', 'thinking', 'tool_choice', 'output_config']) s.object(body, f);
  s.list(body, 'stop_sequences', (_, path) => path, '', false, 'string');
  if (typeof body.system !== 'string') {
    s.list(body, 'system', (block, path) => s.block(block, path));
  }
  s.list(body, 'tools', (tool, path) => {
    s.string(tool, 'name', path, true);
    s.string(tool, 'type', path);
    s.object(tool, 'input_schema', path);
  });
  s.list(
    body,
    'messages',
    (message, path) => {
      s.string(message, 'role', path, true);
      s.content(message, path, 'anthropic');
    },
    '',
    true,
  );
}

/**
 * Throws a `RejectedError` naming the first field that is wrong. The endpoint does not change
 * the checks today: `max_tokens` is optional on `messages` as on `count_tokens`, since the
 * route's max_tokens policy gives a request without it its default.
 */
export function checkShape(dialect: DialectName, _endpoint: Endpoint, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RejectedError('validation', 'the request body must be a JSON object');
  }
  const request = body as Record<string, unknown>;
  for (const field of UPSTREAM_FIELDS) {
    if (Object.hasOwn(request, field)) {
      throw new RejectedError(
        'validation',
        `\`${field}\` is not accepted: this gateway takes upstream URLs and keys from its config only`,
        { param: field },
      );
    }
  }
  if (nestedTooDeep(request, 1)) {
    throw new RejectedError('validation', `the request is nested deeper than ${MAX_DEPTH} levels`);
  }
  const s = new Shape(dialect);
  const model = s.string(request, 'model', '', true);
  if (model !== undefined && (model.trim() === '' || model.length > 256)) {
    throw new RejectedError(
      'validation',
      '`model` must name a route or a `provider/model` (1–256 characters)',
      {
        param: 'model',
      },
    );
  }
  s.boolean(request, 'stream');
  if (dialect === 'openai') checkOpenAI(s, request);
  else checkAnthropic(s, request);
  if (Array.isArray(request.messages) && request.messages.length === 0) {
    throw new RejectedError('validation', '`messages` must hold at least one message', {
      param: 'messages',
    });
  }
}
