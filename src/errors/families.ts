/**
 * The handful of error families. Each is a `BreakwaterError` with a fixed set of codes and the
 * one or two fields that family needs (which timeout fired, why a connection failed).
 */
import { BreakwaterError, type BreakwaterErrorOptions } from './breakwater-error.ts';
import type { ErrorCode } from './codes.ts';

export interface ErrorContext {
  provider?: string;
  model?: string;
  requestId?: string;
  cause?: unknown;
}

function where(ctx: ErrorContext | undefined): string {
  if (!ctx?.provider && !ctx?.model) return '';
  if (ctx.provider && ctx.model) return ` from ${ctx.provider}/${ctx.model}`;
  return ` from ${ctx.provider ?? ctx.model}`;
}

/** The provider answered with an error status (or an error event inside a stream). */
export class ProviderError extends BreakwaterError {
  constructor(code: ErrorCode, message: string, options: BreakwaterErrorOptions = {}) {
    super(code, message, { ...options, origin: 'provider' });
    this.name = 'ProviderError';
  }
}

/** Which limit fired: connecting, waiting for the first byte, silence between bytes, or the deadline. */
export type TimeoutPhase = 'connect' | 'first_byte' | 'idle' | 'deadline';

const PHASE_TEXT: Record<TimeoutPhase, string> = {
  connect: 'connect timeout',
  first_byte: 'first-byte timeout',
  idle: 'idle timeout between bytes',
  deadline: 'deadline',
};

/**
 * A timer ran out. Per-attempt timers (`connect`, `first_byte`, `idle`) give code `timeout`,
 * retryable; the request's overall `deadline` gives `deadline_exceeded`, which is not.
 */
export class TimeoutError extends BreakwaterError {
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;

  constructor(phase: TimeoutPhase, timeoutMs: number, ctx?: ErrorContext) {
    const code = phase === 'deadline' ? 'deadline_exceeded' : 'timeout';
    super(code, `${PHASE_TEXT[phase]} of ${timeoutMs} ms fired waiting${where(ctx)}`, {
      ...ctx,
      origin: phase === 'deadline' ? 'breakwater' : 'provider',
    });
    this.name = 'TimeoutError';
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

export type ConnectionFailure = 'reset' | 'refused' | 'dns' | 'closed' | 'tls' | 'other';

/** The connection to the provider failed before a complete answer came back. */
export class ConnectionError extends BreakwaterError {
  readonly reason: ConnectionFailure;

  constructor(reason: ConnectionFailure, detail: string, ctx?: ErrorContext) {
    super('connection', `connection ${reason}${where(ctx)}: ${detail}`, {
      ...ctx,
      origin: 'provider',
    });
    this.name = 'ConnectionError';
    this.reason = reason;
  }
}

/** Why a provider cannot be reached as configured. */
export type UpstreamConfigFailure = 'dns' | 'tls';

const CONFIG_TEXT: Record<UpstreamConfigFailure, string> = {
  dns: 'its host name does not resolve',
  tls: 'its TLS certificate was refused',
};

/**
 * The provider cannot be reached as configured: DNS knows no such host, or its TLS certificate is
 * not valid for it. Waiting does not fix that, so it is not retried on that target; another tier
 * may be configured right, so the route goes on. The message names the provider and its baseUrl.
 */
export class UpstreamConfigError extends BreakwaterError {
  readonly reason: UpstreamConfigFailure;

  constructor(
    reason: UpstreamConfigFailure,
    detail: string,
    ctx: ErrorContext & { baseUrl?: string } = {},
  ) {
    const who = ctx.provider ? `provider ${ctx.provider}` : 'the provider';
    const at = ctx.baseUrl ? ` at ${ctx.baseUrl}` : '';
    const fix = ctx.provider ? `providers.${ctx.provider}.baseUrl` : 'the provider’s baseUrl';
    super(
      'upstream_config',
      `${who}${at} cannot be reached as configured: ${CONFIG_TEXT[reason]} (${detail}) — check ${fix}`,
      { ...ctx, origin: 'provider' },
    );
    this.name = 'UpstreamConfigError';
    this.reason = reason;
  }
}

/** The answer could not be read: bad JSON, or a stream that ended before its terminator. */
export class MalformedResponseError extends BreakwaterError {
  constructor(detail: string, ctx?: ErrorContext) {
    super('malformed_response', `malformed response${where(ctx)}: ${detail}`, {
      ...ctx,
      origin: 'provider',
    });
    this.name = 'MalformedResponseError';
  }
}

export function malformedResponse(detail: string, ctx?: ErrorContext): MalformedResponseError {
  return new MalformedResponseError(detail, ctx);
}

/**
 * The model refused, or a content filter stopped it (OpenAI `finish_reason: content_filter`,
 * Anthropic `stop_reason: refusal`). A verdict of its own, so a route can fall back on it.
 */
export class RefusalError extends BreakwaterError {
  constructor(reason: string, ctx?: ErrorContext) {
    super('refusal', `the model refused to answer${where(ctx)} (${reason})`, {
      ...ctx,
      origin: 'provider',
    });
    this.name = 'RefusalError';
  }
}

/** breakwater's own rejections: the request never left, or was stopped by a policy. */
export type RejectionCode =
  | 'validation'
  | 'context_overflow'
  | 'circuit_open'
  | 'queue_full'
  | 'deadline_exceeded'
  | 'budget_exceeded'
  | 'rate_limited'
  | 'idempotency_conflict'
  | 'request_timeout';

export class RejectedError extends BreakwaterError {
  constructor(
    code: RejectionCode,
    message: string,
    options: Omit<BreakwaterErrorOptions, 'origin'> = {},
  ) {
    super(code, message, { ...options, origin: 'breakwater' });
    this.name = 'RejectedError';
  }
}

/** The caller cancelled: an AbortSignal fired or the client went away. Never retried. */
export class AbortedError extends BreakwaterError {
  constructor(reason?: unknown, ctx?: ErrorContext) {
    const text =
      reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
    super('aborted', `request cancelled by the caller${text ? `: ${text}` : ''}`, {
      ...ctx,
      cause: reason,
      origin: 'breakwater',
    });
    this.name = 'AbortedError';
  }
}
