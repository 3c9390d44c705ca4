/**
 * Failures with no HTTP answer → breakwater errors: undici's timeout codes name the timer that
 * fired, socket and DNS codes name what broke. The cause chain is walked because `fetch` wraps
 * the real error in `TypeError('fetch failed')`.
 *
 * A host name DNS does not know (`ENOTFOUND`) and a TLS certificate that does not verify are
 * configuration errors (`upstream_config`), not transient ones: no retry on that target fixes
 * them. A DNS lookup that failed for now (`EAI_AGAIN`) and other TLS failures stay transient.
 */
import { BreakwaterError } from './breakwater-error.ts';
import {
  AbortedError,
  ConnectionError,
  type ConnectionFailure,
  type ErrorContext,
  MalformedResponseError,
  TimeoutError,
  UpstreamConfigError,
} from './families.ts';

export interface NetworkErrorContext extends ErrorContext {
  /** The provider's configured base URL, named by a configuration error. */
  baseUrl?: string;
  /** The timers in force, so the error can say how long each was. */
  connectTimeoutMs?: number;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
}

const REASONS: Record<string, ConnectionFailure> = {
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'closed',
  UND_ERR_CLOSED: 'closed',
  ECONNREFUSED: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EAI_AGAIN: 'dns',
};

/** TLS failures that are about the certificate itself (Node's and OpenSSL's codes). */
const CERTIFICATE =
  /CERT|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER|SELF_SIGNED/;

function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && out.length < 8) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

export function classifyNetworkError(err: unknown, ctx: NetworkErrorContext = {}): BreakwaterError {
  const errors = chain(err);
  for (const e of errors) if (e instanceof BreakwaterError) return e;
  const base: ErrorContext = {
    provider: ctx.provider,
    model: ctx.model,
    requestId: ctx.requestId,
    cause: err,
  };
  for (const e of errors) {
    const code = (e as { code?: unknown }).code;
    const message = (e as { message?: unknown }).message;
    const text = typeof message === 'string' ? message : String(code ?? e);
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
      case 'ETIMEDOUT':
        return new TimeoutError('connect', ctx.connectTimeoutMs ?? 0, base);
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new TimeoutError('first_byte', ctx.firstByteTimeoutMs ?? 0, base);
      case 'UND_ERR_BODY_TIMEOUT':
        return new TimeoutError('idle', ctx.idleTimeoutMs ?? 0, base);
      case 'UND_ERR_ABORTED':
      case 'ABORT_ERR':
        return new AbortedError(e, base);
    }
    if (typeof code === 'string') {
      if (code === 'ENOTFOUND') {
        const host = (e as { hostname?: unknown }).hostname;
        const detail = typeof host === 'string' ? `ENOTFOUND ${host}` : 'ENOTFOUND';
        return new UpstreamConfigError('dns', detail, { ...base, baseUrl: ctx.baseUrl });
      }
      if (CERTIFICATE.test(code)) {
        return new UpstreamConfigError('tls', `${code}: ${text}`, {
          ...base,
          baseUrl: ctx.baseUrl,
        });
      }
      const reason = REASONS[code];
      if (reason) return new ConnectionError(reason, text, base);
      if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL'))
        return new ConnectionError('tls', text, base);
    }
    if ((e as { name?: unknown }).name === 'AbortError') return new AbortedError(e, base);
    if (e instanceof SyntaxError) return new MalformedResponseError(text, base);
  }
  const first = errors[0];
  const detail = first instanceof Error ? first.message : String(first);
  return new ConnectionError('other', detail, base);
}
