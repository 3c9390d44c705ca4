/**
 * Spans and GenAI metrics through `@opentelemetry/api` with a real SDK registered (an in-memory
 * span exporter, a metric reader), against an upstream on 127.0.0.1 that records the headers it
 * gets: a span per call and one per attempt with the GenAI conventions' attributes, retries as
 * events, the caller's `traceparent` honoured and each attempt's own context sent upstream, and
 * the three GenAI histograms recorded. Without an SDK nothing is recorded, and the caller's
 * context still goes upstream as it came. Nothing of the prompt or the key is on a span.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BreakwaterClient, createClient } from '../../src/client/create-client.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN}-01`;
const PROMPT = 'PROMPT-MARKER-what-the-tides-do';
const KEY = 'sk-tracing-KEYMARKER-0123456789';

class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** An OpenAI look-alike that fails `failFirst` calls with a 500, then answers. */
let upstream: Server;
let url: string;
let seen: IncomingHttpHeaders[] = [];
let failFirst = 0;
let client: BreakwaterClient;

const answer = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Ebb and flow.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 },
};

beforeAll(async () => {
  upstream = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      const fail = failFirst > 0;
      if (fail) failFirst--;
      res.writeHead(fail ? 500 : 200, {
        'content-type': 'application/json',
        'x-request-id': `req_up_${seen.length}`,
      });
      res.end(JSON.stringify(fail ? { error: { message: 'boom', type: 'server_error' } } : answer));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
});
afterEach(async () => {
  await client?.close();
  trace.disable();
  metrics.disable();
  seen = [];
  failFirst = 0;
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

function newClient() {
  client = createClient(
    {
      providers: { openai: { baseUrl: url, apiKey: KEY } },
      routes: { chat: { tiers: ['openai/gpt-4o-mini'] } },
      policy: { retry: { maxAttempts: 2, baseMs: 1, capMs: 2 } },
      telemetry: { environment: 'trace-test' },
    },
    { env: {} },
  );
  return client;
}

const ask = { model: 'chat', messages: [{ role: 'user' as const, content: PROMPT }] };

describe('with an OpenTelemetry SDK', () => {
  it('makes a call span and attempt spans per the GenAI conventions, under the caller’s trace', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    failFirst = 1;
    const c = newClient();
    const result = await c.chat(ask, { headers: { traceparent: TRACEPARENT } });
    expect(result.kind).toBe('json');

    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.name === 'chat chat')!;
    const attempts = spans.filter((s) => s.name === 'chat gpt-4o-mini');
    expect(attempts).toHaveLength(2);
    // The caller's trace: the call span is the child of its span; the attempts the call's.
    expect(call.spanContext().traceId).toBe(TRACE_ID);
    expect(call.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    for (const a of attempts) expect(a.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(call.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'chat',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 4,
      'breakwater.attempts': 2,
      'deployment.environment.name': 'trace-test',
    });
    expect(call.events.map((e) => e.name)).toEqual(['breakwater.retry']);
    expect(call.events[0]!.attributes).toMatchObject({ reason: 'server_error', attempt: 1 });
    const [failed, ok] = attempts as [ReadableSpan, ReadableSpan];
    expect(failed.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'server.address': '127.0.0.1',
      'http.response.status_code': 500,
      'error.type': 'server_error',
      'breakwater.attempt': 0,
    });
    expect(failed.status.code).toBe(2);
    expect(ok.attributes).toMatchObject({
      'http.response.status_code': 200,
      'breakwater.attempt': 1,
    });
    // Each attempt sent its own span's context upstream, in the caller's trace.
    expect(seen.map((h) => h.traceparent)).toEqual(
      attempts.map((a) => `00-${TRACE_ID}-${a.spanContext().spanId}-01`),
    );
    // Nothing of the prompt or the key on any span.
    const text = JSON.stringify(spans.map((s) => [s.attributes, s.events, s.name]));
    expect(text).not.toContain('MARKER');

    const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
    const names = resourceMetrics.scopeMetrics.flatMap((s) =>
      s.metrics.map((m) => m.descriptor.name),
    );
    expect(names).toEqual(
      expect.arrayContaining(['gen_ai.client.operation.duration', 'gen_ai.client.token.usage']),
    );
    const usage = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'gen_ai.client.token.usage')!;
    const types = usage.dataPoints.map((p) => p.attributes['gen_ai.token.type']).sort();
    expect(types).toEqual(['input', 'output']);
  });

  it('starts a new trace without a traceparent, and marks a failed call', async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    failFirst = 2;
    const c = newClient();
    await expect(c.chat(ask)).rejects.toMatchObject({ code: 'server_error' });
    const call = exporter.getFinishedSpans().find((s) => s.name === 'chat chat')!;
    expect(call.parentSpanContext).toBeUndefined();
    expect(call.attributes['error.type']).toBe('server_error');
    expect(call.status.code).toBe(2);
    expect(seen[0]!.traceparent).toMatch(new RegExp(`^00-${call.spanContext().traceId}-`));
  });

  it('records from the next call on once an SDK is registered after the client', async () => {
    const c = newClient();
    await c.chat(ask);
    expect(seen[0]!.traceparent).toBeUndefined();
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    const reader = new TestReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    await c.chat(ask);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat chat', 'chat gpt-4o-mini']);
    expect(seen[1]!.traceparent).toMatch(new RegExp(`^00-${spans[0]!.spanContext().traceId}-`));
    const { resourceMetrics } = (await reader.collect()) as { resourceMetrics: ResourceMetrics };
    const duration = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
    expect(duration?.dataPoints).toHaveLength(1);
  });
});

describe('without an SDK', () => {
  it('records nothing, and passes the caller’s traceparent upstream as it came', async () => {
    const c = newClient();
    await c.chat(ask, { headers: { traceparent: TRACEPARENT, tracestate: 'vendor=1' } });
    expect(seen[0]!.traceparent).toBe(TRACEPARENT);
    expect(seen[0]!.tracestate).toBe('vendor=1');
    await c.chat(ask);
    expect(seen[1]!.traceparent).toBeUndefined();
  });

  it('ignores a malformed traceparent', async () => {
    const c = newClient();
    await c.chat(ask, { headers: { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` } });
    expect(seen[0]!.traceparent).toBeUndefined();
  });
});
