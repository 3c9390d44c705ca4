/**
 * The base of every error breakwater raises or returns. One class with a stable `code` (see
 * codes.ts) plus a handful of subclasses by family. Identity survives duplicate installs of the
 * package: `instanceof` checks a `Symbol.for` brand, the way undici does.
 */
import type { AttemptRecord } from './attempt-record.ts';
import { ERROR_CODES, type ErrorCode } from './codes.ts';

const BRAND = Symbol.for('breakwater.error');

export type ErrorOrigin = 'provider' | 'breakwater';

/** One of several problems reported together: the field (`messages.2.role`) and what to do. */
export interface Problem {
  readonly param: string;
  readonly message: string;
}

export interface BreakwaterErrorOptions {
  /** Overrides the status from the code table (e.g. the upstream's own 5xx). */
  status?: number;
  /** Overrides the code table's retryability (e.g. `x-should-retry`). */
  retryable?: boolean;
  /** Overrides the code table's verdict on whether another target may succeed. */
  fallbackable?: boolean;
  cause?: unknown;
  /** The provider name from the config (e.g. `openai`). */
  provider?: string;
  model?: string;
  /** The upstream request id (`x-request-id` / `request-id`). */
  requestId?: string;
  /** How long the server asked to wait, in milliseconds. */
  retryAfterMs?: number;
  /** The provider's own message, verbatim. */
  providerMessage?: string;
  /** The HTTP status the provider answered with. */
  providerStatus?: number;
  /** The provider's error `type` (e.g. `overloaded_error`, `tokens`). */
  providerType?: string;
  /** The provider's error `code` (e.g. `insufficient_quota`, `context_length_exceeded`). */
  providerCode?: string;
  /** The request field at fault, when known. */
  param?: string;
  /** Every problem found at once, each with its field: a request or config breaking several rules. */
  problems?: readonly Problem[];
  /** Replaces the code table's hint. */
  hint?: string;
  /** @default 'provider' for upstream failures, 'breakwater' for its own rejections */
  origin?: ErrorOrigin;
}

export class BreakwaterError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly fallbackable: boolean;
  readonly healthSignal: boolean;
  readonly hint: string;
  readonly origin: ErrorOrigin;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly providerMessage: string | undefined;
  readonly providerStatus: number | undefined;
  readonly providerType: string | undefined;
  readonly providerCode: string | undefined;
  readonly param: string | undefined;
  readonly problems: readonly Problem[] | undefined;
  /** Every attempt the engine made for the call that ended in this error. */
  attempts: readonly AttemptRecord[] | undefined;

  constructor(code: ErrorCode, message: string, options: BreakwaterErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const info = ERROR_CODES[code];
    this.name = 'BreakwaterError';
    this.code = code;
    this.status = options.status ?? info.status;
    this.retryable = options.retryable ?? info.retryable;
    this.fallbackable = options.fallbackable ?? info.fallbackable;
    this.healthSignal = info.healthSignal;
    this.hint = options.hint ?? info.hint;
    this.origin = options.origin ?? 'provider';
    this.provider = options.provider;
    this.model = options.model;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.providerMessage = options.providerMessage;
    this.providerStatus = options.providerStatus;
    this.providerType = options.providerType;
    this.providerCode = options.providerCode;
    this.param = options.param;
    this.problems = options.problems;
    this.attempts = undefined;
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    // Subclasses keep the normal prototype check; the base also accepts foreign copies.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against.
    if (this !== BreakwaterError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** `provider/model`, when both are known. */
  get target(): string | undefined {
    return this.provider && this.model ? `${this.provider}/${this.model}` : this.model;
  }

  /** A plain object for logs and JSON: no cause chain, no stack, no secrets. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      retryable: this.retryable,
      origin: this.origin,
      provider: this.provider,
      model: this.model,
      requestId: this.requestId,
      retryAfterMs: this.retryAfterMs,
      providerStatus: this.providerStatus,
      providerType: this.providerType,
      providerCode: this.providerCode,
      param: this.param,
      problems: this.problems,
      hint: this.hint,
      attempts: this.attempts,
    };
  }
}

export function isBreakwaterError(value: unknown): value is BreakwaterError {
  return value instanceof BreakwaterError;
}
