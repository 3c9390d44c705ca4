/**
 * Validates a scenario (already parsed from YAML or JSON) and resolves it: defaults filled in,
 * each named model laid over `default` (see scenario.ts). Every mistake throws a
 * `ScenarioError` naming the field.
 */

import {
  type Behaviour,
  BILLING_CODES,
  CDN_STATUSES,
  type DownWindow,
  FAULT_KINDS,
  FAULT_STATUSES,
  type Fault,
  type RateLimits,
  type ResolvedScenario,
  STATUS_VARIANTS,
} from './scenario.ts';
import {
  boolean,
  join,
  list,
  number,
  type Obj,
  object,
  oneOf,
  optionalNumber,
  ScenarioError,
  string,
} from './scenario-fields.ts';

const BASE: Behaviour = Object.freeze({
  latency: { fixedMs: 0, jitterMs: 0, perTokenMs: 0 },
  outputTokens: { min: 12, max: 40 },
  toolCall: false,
  faults: [],
  down: [],
});

const BEHAVIOUR_FIELDS = ['latency', 'outputTokens', 'toolCall', 'faults', 'down', 'rateLimits'];

/** Fields each fault kind accepts besides `kind`, `probability` and `dialect`. */
const FAULT_FIELDS: Record<Fault['kind'], string[]> = {
  status: ['status', 'retryAfterS', 'retryAfterMs', 'variant', 'shouldRetry', 'message'],
  hang: [],
  slow_first_byte: ['delayMs'],
  stall_midstream: ['afterChunks', 'delayMs'],
  reset: ['afterChunks'],
  malformed_json: [],
  stream_cut: ['afterChunks'],
  midstream_error: ['afterChunks'],
  refusal: [],
  slow_down: ['retryAfterS'],
  billing: ['code'],
  server_overloaded: [],
  cdn_error: ['status'],
  overloaded_event: [],
};

const ALL_FAULT_FIELDS = [...new Set(Object.values(FAULT_FIELDS).flat())];

export function parseScenario(input: unknown): ResolvedScenario {
  const root = object(input ?? {}, '', ['seed', 'apiKeys', 'default', 'models']);
  const seed = optionalNumber(root, 'seed', '', { integer: true, max: 2 ** 32 - 1 });
  const apiKeys =
    root.apiKeys === undefined
      ? undefined
      : list(root.apiKeys, 'apiKeys').map((k, i) => string(k, join('apiKeys', i)));
  const fallback = root.default === undefined ? BASE : behaviour(root.default, 'default', BASE);
  const models = new Map<string, Behaviour>();
  const patterns: ResolvedScenario['patterns'] = [];
  if (root.models !== undefined) {
    const named = object(root.models, 'models', Object.keys(root.models ?? {}));
    for (const [name, value] of Object.entries(named)) {
      const resolved = behaviour(value ?? {}, join('models', name), fallback);
      if (name.endsWith('*')) patterns.push({ prefix: name.slice(0, -1), behaviour: resolved });
      else models.set(name, resolved);
    }
  }
  return { seed, apiKeys, default: fallback, models, patterns };
}

function behaviour(value: unknown, path: string, base: Behaviour): Behaviour {
  const obj = object(value, path, BEHAVIOUR_FIELDS);
  const out: Behaviour = { ...base, latency: { ...base.latency } };
  if (obj.latency !== undefined) {
    const p = join(path, 'latency');
    const latency = object(obj.latency, p, ['fixedMs', 'jitterMs', 'perTokenMs']);
    for (const key of ['fixedMs', 'jitterMs', 'perTokenMs'] as const) {
      out.latency[key] = optionalNumber(latency, key, p) ?? out.latency[key];
    }
  }
  if (obj.outputTokens !== undefined) out.outputTokens = outputTokens(obj.outputTokens, path);
  if (obj.toolCall !== undefined) out.toolCall = boolean(obj.toolCall, join(path, 'toolCall'));
  if (obj.faults !== undefined) {
    const p = join(path, 'faults');
    out.faults = list(obj.faults, p).map((f, i) => fault(f, join(p, i)));
    for (const dialect of ['openai', 'anthropic'] as const) {
      const sum = out.faults
        .filter((f) => !f.dialect || f.dialect === dialect)
        .reduce((s, f) => s + f.probability, 0);
      if (sum > 1 + 1e-9) {
        throw new ScenarioError(p, `probabilities add up to ${sum} for ${dialect}, more than 1`);
      }
    }
  }
  if (obj.down !== undefined) {
    const p = join(path, 'down');
    out.down = list(obj.down, p).map((w, i) => downWindow(w, join(p, i)));
  }
  if (obj.rateLimits !== undefined) out.rateLimits = rateLimits(obj.rateLimits, path);
  return out;
}

function outputTokens(value: unknown, parent: string): Behaviour['outputTokens'] {
  const p = join(parent, 'outputTokens');
  if (typeof value === 'number') {
    const n = number(value, p, { integer: true });
    return { min: n, max: n };
  }
  const obj = object(value, p, ['min', 'max']);
  const min = number(obj.min, join(p, 'min'), { integer: true });
  const max = number(obj.max, join(p, 'max'), { integer: true, min });
  return { min, max };
}

function fault(value: unknown, path: string): Fault {
  const any = object(value, path, ['kind', 'probability', 'dialect', ...ALL_FAULT_FIELDS]);
  const kind = oneOf(any.kind, join(path, 'kind'), FAULT_KINDS);
  const obj = object(value, path, ['kind', 'probability', 'dialect', ...FAULT_FIELDS[kind]]);
  const probability = number(obj.probability, join(path, 'probability'), { max: 1 });
  const dialect =
    obj.dialect === undefined
      ? undefined
      : oneOf(obj.dialect, join(path, 'dialect'), ['openai', 'anthropic'] as const);
  const common = { probability, ...(dialect ? { dialect } : {}) };
  const chunks = (fallback: number) =>
    optionalNumber(obj, 'afterChunks', path, { integer: true }) ?? fallback;
  switch (kind) {
    case 'status':
      return statusFault(obj, path, common);
    case 'hang':
    case 'malformed_json':
    case 'refusal':
    case 'server_overloaded':
    case 'overloaded_event':
      return { kind, ...common };
    case 'slow_down': {
      const retryAfterS = optionalNumber(obj, 'retryAfterS', path);
      return { kind, ...common, ...(retryAfterS === undefined ? {} : { retryAfterS }) };
    }
    case 'billing':
      return obj.code === undefined
        ? { kind, ...common }
        : { kind, ...common, code: oneOf(obj.code, join(path, 'code'), BILLING_CODES) };
    case 'cdn_error':
      return { kind, ...common, status: oneOf(obj.status, join(path, 'status'), CDN_STATUSES) };
    case 'slow_first_byte':
      return { kind, ...common, delayMs: number(obj.delayMs, join(path, 'delayMs')) };
    case 'stall_midstream':
      return {
        kind,
        ...common,
        afterChunks: chunks(2),
        delayMs: optionalNumber(obj, 'delayMs', path),
      };
    case 'reset':
      return {
        kind,
        ...common,
        afterChunks: optionalNumber(obj, 'afterChunks', path, { integer: true }),
      };
    case 'stream_cut':
    case 'midstream_error':
      return { kind, ...common, afterChunks: chunks(2) };
  }
}

function statusFault(obj: Obj, path: string, common: { probability: number }): Fault {
  const status = oneOf(obj.status, join(path, 'status'), FAULT_STATUSES);
  const variant =
    obj.variant === undefined
      ? undefined
      : oneOf(obj.variant, join(path, 'variant'), STATUS_VARIANTS);
  const message =
    obj.message === undefined ? undefined : string(obj.message, join(path, 'message'));
  const shouldRetry =
    obj.shouldRetry === undefined ? undefined : boolean(obj.shouldRetry, join(path, 'shouldRetry'));
  return {
    kind: 'status',
    ...common,
    status,
    retryAfterS: optionalNumber(obj, 'retryAfterS', path),
    retryAfterMs: optionalNumber(obj, 'retryAfterMs', path),
    variant,
    shouldRetry,
    message,
  };
}

function downWindow(value: unknown, path: string): DownWindow {
  const obj = object(value, path, ['fromS', 'toS', 'status']);
  const fromS = number(obj.fromS ?? 0, join(path, 'fromS'));
  const toS = optionalNumber(obj, 'toS', path, { min: fromS }) ?? Number.POSITIVE_INFINITY;
  const status =
    obj.status === undefined ? undefined : oneOf(obj.status, join(path, 'status'), FAULT_STATUSES);
  return { fromS, toS, ...(status ? { status } : {}) };
}

function rateLimits(value: unknown, parent: string): RateLimits {
  const p = join(parent, 'rateLimits');
  const obj = object(value, p, ['rpm', 'tpm', 'itpm', 'otpm', 'openaiRetryAfter']);
  const out: RateLimits = {};
  for (const key of ['rpm', 'tpm', 'itpm', 'otpm'] as const) {
    const n = optionalNumber(obj, key, p, { min: 1 });
    if (n !== undefined) out[key] = n;
  }
  if (obj.openaiRetryAfter !== undefined) {
    out.openaiRetryAfter = boolean(obj.openaiRetryAfter, join(p, 'openaiRetryAfter'));
  }
  return out;
}
