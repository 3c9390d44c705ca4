/**
 * The W3C trace context header (`traceparent: 00-<trace id>-<span id>-<flags>`), read and
 * written here rather than through OpenTelemetry's propagation API: that API is a no-op until an
 * SDK registers a propagator, and breakwater honours an incoming `traceparent` — takes its trace
 * id for the request line, sends it on upstream — whether or not the application has an SDK.
 */
import { createTraceState, type SpanContext } from '@opentelemetry/api';
import { getHeader, type HeadersLike } from '../dialects/headers.ts';

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** The remote span context in `headers`, or undefined when there is none or it is malformed. */
export function incomingSpanContext(headers: HeadersLike | undefined): SpanContext | undefined {
  const value = getHeader(headers, 'traceparent')?.trim().toLowerCase();
  if (value === undefined) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match || match[1] === 'ff' || match[2] === ZERO_TRACE || match[3] === ZERO_SPAN) {
    return undefined;
  }
  // Version 00 has exactly four fields; a later version may add more, which are ignored.
  if (match[1] === '00' && value.length !== 55) return undefined;
  const state = getHeader(headers, 'tracestate');
  return {
    traceId: match[2]!,
    spanId: match[3]!,
    traceFlags: Number.parseInt(match[4]!, 16) & 1,
    isRemote: true,
    traceState: state ? createTraceState(state) : undefined,
  };
}

/** Writes `context` as `traceparent` (and `tracestate`) into outgoing `headers`. */
export function writeTraceContext(headers: Record<string, string>, context: SpanContext): void {
  const flags = (context.traceFlags & 0xff).toString(16).padStart(2, '0');
  headers.traceparent = `00-${context.traceId}-${context.spanId}-${flags}`;
  const state = context.traceState?.serialize();
  if (state) headers.tracestate = state;
}
