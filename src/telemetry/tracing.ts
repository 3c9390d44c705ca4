/**
 * Spans and GenAI metrics through `@opentelemetry/api`, following the OpenTelemetry GenAI
 * semantic conventions (the `semantic-conventions-genai` names, Development status):
 *
 * - a span per call, `chat <route>`, and under it a CLIENT span per upstream attempt,
 *   `chat <model>`, with `gen_ai.operation.name`, `gen_ai.provider.name`,
 *   `gen_ai.request.model`, `gen_ai.response.model`, `gen_ai.response.finish_reasons`,
 *   `gen_ai.usage.*`, `gen_ai.response.time_to_first_chunk`, `server.address`/`server.port`,
 *   `http.response.status_code` and `error.type`; retries, fallbacks, skipped targets and cached
 *   or static answers are events on the call's span;
 * - the metrics `gen_ai.client.operation.duration`, `gen_ai.client.token.usage` and
 *   `gen_ai.client.operation.time_to_first_chunk` (seconds, tokens).
 *
 * All of it is a no-op until the application registers an SDK (a TracerProvider, a
 * MeterProvider). The caller's `traceparent` is honoured: the call's span is its child, its
 * trace id goes into the request line, and each attempt sends its own span's context upstream —
 * or, without an SDK, the caller's context as it came.
 *
 * Without an SDK nothing is built for nobody: no span object and no attributes for a call
 * (unless a `traceparent` came, whose context is kept), no attributes for the no-op GenAI
 * metrics. Whether an SDK is there is asked on every call, so one registered later is used.
 */
import {
  context,
  createNoopMeter,
  type Histogram,
  metrics,
  ProxyTracerProvider,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { totalInputTokens } from '../dialects/usage.ts';
import type { AttemptStart, CallEnd, CallInfo } from '../engine/engine-events.ts';
import { APP_VERSION } from './app-info.ts';
import { type Sources, subscribe } from './subscription.ts';
import { incomingSpanContext, writeTraceContext } from './trace-context.ts';

export interface TracingOptions {
  /** @default the global tracer provider's `breakwater` tracer */
  tracer?: Tracer;
  /** Tags on every span. */
  environment?: string;
  buildId?: string;
}

interface CallSpan {
  /** Undefined when no SDK is registered (only the caller's context is kept). */
  span: Span | undefined;
  /** The caller's context, when it came in a `traceparent` and no SDK is there to record. */
  remote: SpanContext | undefined;
}

const seconds = (ms: number) => ms / 1000;

/** The API's own no-op tracer provider: what the global one delegates to until an SDK registers. */
const NO_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK's tracer provider is registered. A global provider this copy of the API does
 * not know counts as one.
 */
function tracerProviderRegistered(): boolean {
  const provider = trace.getTracerProvider();
  return (
    !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_TRACER_PROVIDER
  );
}

/** `server.address` and `server.port` of a base URL. */
function server(baseUrl: string): { address: string; port: number } | undefined {
  try {
    const url = new URL(baseUrl);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return { address: url.hostname, port };
  } catch {
    return undefined;
  }
}

export function traceEngine(sources: Sources, options: TracingOptions = {}): () => void {
  const tracer = options.tracer ?? trace.getTracer('breakwater', APP_VERSION);
  // A tracer given by the caller is always asked; the global one only once an SDK is registered.
  const recordable = options.tracer ? () => true : tracerProviderRegistered;
  const instruments = genAiInstruments();
  const tags: Record<string, string> = {};
  if (options.environment) tags['deployment.environment.name'] = options.environment;
  if (options.buildId) tags['service.version'] = `${APP_VERSION}+${options.buildId}`;

  const calls = new WeakMap<CallInfo, CallSpan>();
  const attempts = new WeakMap<AttemptStart, Span>();
  const event = (call: CallInfo, name: string, attributes: Record<string, string | number>) =>
    calls.get(call)?.span?.addEvent(name, attributes);

  return subscribe(sources, {
    requestStart(call) {
      const remote = incomingSpanContext(call.headers);
      if (!recordable()) {
        if (!remote) return;
        calls.set(call, { span: undefined, remote });
        if (call.trace) call.trace.traceId = remote.traceId;
        return;
      }
      const parent = remote ? trace.setSpanContext(context.active(), remote) : context.active();
      const span = tracer.startSpan(
        `chat ${call.route}`,
        {
          kind: SpanKind.INTERNAL,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': call.route,
            'gen_ai.request.stream': call.stream,
            'breakwater.route': call.route,
            'breakwater.dialect': call.dialect,
            ...tags,
          },
        },
        parent,
      );
      const recording = span.isRecording();
      if (!recording && !remote) return;
      calls.set(call, { span, remote: recording ? undefined : remote });
      if (call.trace) call.trace.traceId = (recording ? span.spanContext() : remote!).traceId;
    },
    attemptStart(start) {
      const parent = calls.get(start.call);
      if (!parent) return;
      if (parent.remote || !parent.span) {
        // No SDK: nothing is recorded, the caller's own context goes upstream as it came.
        if (parent.remote) writeTraceContext(start.headers, parent.remote);
        return;
      }
      const where = server(start.baseUrl);
      const span = tracer.startSpan(
        `chat ${start.model}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': start.providerDialect,
            'gen_ai.request.model': start.model,
            'breakwater.target': start.target,
            'breakwater.provider': start.provider,
            'breakwater.tier': start.tier,
            'breakwater.attempt': start.attempt,
            ...(where ? { 'server.address': where.address, 'server.port': where.port } : {}),
          },
        },
        trace.setSpan(context.active(), parent.span),
      );
      attempts.set(start, span);
      writeTraceContext(start.headers, span.spanContext());
    },
    attemptEnd({ call, start, record, error, firstByteMs }) {
      const span = start && attempts.get(start);
      if (!span) {
        if (record.result === 'skipped') {
          event(call, 'breakwater.skipped', { target: record.target, code: record.code ?? '' });
        }
        return;
      }
      if (record.status !== undefined)
        span.setAttribute('http.response.status_code', record.status);
      if (firstByteMs !== undefined) span.setAttribute('breakwater.first_byte_ms', firstByteMs);
      if (record.requestId) span.setAttribute('breakwater.upstream_request_id', record.requestId);
      if (error) {
        span.setAttribute('error.type', error.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
      }
      span.end();
    },
    retry: ({ call, target, attempt, delayMs, reason }) =>
      event(call, 'breakwater.retry', { target, attempt, delay_ms: delayMs, reason }),
    fallback: ({ call, from, to, why, kind }) =>
      event(call, 'breakwater.fallback', { from, to, why, kind }),
    cache: ({ call, outcome, purpose }) => event(call, 'breakwater.cache', { outcome, purpose }),
    static: ({ call, why }) => event(call, 'breakwater.static', { why }),
    hedge: ({ call, from, to }) => event(call, 'breakwater.hedge', { from, to }),
    requestEnd(end) {
      record(end);
      const entry = calls.get(end.call);
      if (!entry?.span || entry.remote) return;
      const { span } = entry;
      const { answer, usage, error } = end;
      if (answer) {
        span.setAttribute('breakwater.attempts', answer.attempts);
        span.setAttribute('breakwater.fallback', answer.fallback);
        span.setAttribute('breakwater.cache', answer.cache);
        if (answer.target) {
          span.setAttribute('breakwater.target', answer.target);
          span.setAttribute('gen_ai.response.model', modelOf(answer.target));
        }
      }
      if (end.stopReason) span.setAttribute('gen_ai.response.finish_reasons', [end.stopReason]);
      if (usage) {
        span.setAttribute('gen_ai.usage.input_tokens', totalInputTokens(usage));
        span.setAttribute('gen_ai.usage.output_tokens', usage.outputTokens);
        span.setAttribute('gen_ai.usage.cache_read.input_tokens', usage.cacheReadInputTokens);
        span.setAttribute(
          'gen_ai.usage.cache_creation.input_tokens',
          usage.cacheCreationInputTokens,
        );
      }
      if (end.firstChunkMs !== undefined) {
        span.setAttribute('gen_ai.response.time_to_first_chunk', seconds(end.firstChunkMs));
      }
      if (error) {
        span.setAttribute('error.type', error.code);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.code });
      } else if (end.abandoned) {
        span.setAttribute('error.type', 'aborted');
      }
      span.end();
    },
  });

  /** The GenAI client metrics of one call (no-ops without a MeterProvider). */
  function record(end: CallEnd): void {
    const { duration, firstChunk, tokens, noop } = instruments();
    if (noop) return;
    const target = end.answer?.target ?? end.error?.target;
    const attributes: Record<string, string> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': end.call.route,
    };
    if (target) {
      attributes['gen_ai.provider.name'] = providerOf(target);
      attributes['gen_ai.response.model'] = modelOf(target);
    }
    if (end.error) attributes['error.type'] = end.error.code;
    duration.record(seconds(end.durationMs), attributes);
    if (end.firstChunkMs !== undefined) firstChunk.record(seconds(end.firstChunkMs), attributes);
    if (end.usage) {
      tokens.record(totalInputTokens(end.usage), { ...attributes, 'gen_ai.token.type': 'input' });
      tokens.record(end.usage.outputTokens, { ...attributes, 'gen_ai.token.type': 'output' });
    }
  }
}

function modelOf(target: string): string {
  const slash = target.indexOf('/');
  return slash === -1 ? target : target.slice(slash + 1);
}

function providerOf(target: string): string {
  const slash = target.indexOf('/');
  return slash === -1 ? target : target.slice(0, slash);
}

interface GenAiInstruments {
  duration: Histogram;
  tokens: Histogram;
  firstChunk: Histogram;
  /** No MeterProvider is registered: the instruments are the API's no-ops. */
  noop: boolean;
}

/** What the API's no-op meter makes: one histogram shared by all. */
const NOOP_HISTOGRAM = createNoopMeter().createHistogram('breakwater.noop');

/**
 * The GenAI histograms of the meter provider registered now. The metrics API has no proxy (the
 * tracing API does): instruments made before the application registers its MeterProvider would
 * stay no-ops, so they are made again whenever the provider changes — one comparison a call.
 */
function genAiInstruments(): () => GenAiInstruments {
  let provider: unknown;
  let made: GenAiInstruments | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (made === undefined || current !== provider) {
      provider = current;
      const meter = current.getMeter('breakwater', APP_VERSION);
      const duration = meter.createHistogram('gen_ai.client.operation.duration', {
        unit: 's',
        description: 'GenAI operation duration',
      });
      made = {
        duration,
        noop: duration === NOOP_HISTOGRAM,
        tokens: meter.createHistogram('gen_ai.client.token.usage', {
          unit: '{token}',
          description: 'Measures number of input and output tokens used',
        }),
        firstChunk: meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
          unit: 's',
          description: 'Time to receive the first chunk in a streaming operation',
        }),
      };
    }
    return made;
  };
}
