/**
 * The request line says everything about a request in one place — tokens, cost, stop reason, the
 * tier that answered, the upstream's request id, the trace id of the caller's `traceparent`,
 * payload bytes, and every line's version and environment — and at debug each attempt adds a
 * line joined to it by the request id. Content (prompt and answer text) reaches a line only
 * when the config opts in, and then truncated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

const lines = (s: Stack) => s.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the request line', () => {
  it('carries tokens, cost, stop reason, tier, upstream id, trace id and payload bytes', async () => {
    stack = await startStack({
      routes: { chat: { tiers: ['openai/gpt-down', 'openai/gpt-4o-mini'] } },
      scenario: {
        seed: 3,
        default: { outputTokens: 9 },
        models: { 'gpt-down': { down: [{ fromS: 0, status: 503 }] } },
      },
      telemetry: { environment: 'staging', buildId: 'b-42' },
    });
    const body = { model: 'chat', messages: [{ role: 'user', content: 'Hello there' }] };
    const res = await post(stack.url, body, {
      traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
    });
    expect(res.status).toBe(200);
    await res.text();
    await stack.app.close();
    const all = lines(stack);
    const request = all.find((l) => l.msg === 'request')!;
    expect(request).toMatchObject({
      env: 'staging',
      buildId: 'b-42',
      route: 'chat',
      target: 'openai/gpt-4o-mini',
      tier: 1,
      fallback: 'tier',
      outputTokens: 9,
      stopReason: 'stop',
      traceId: TRACE_ID,
      requestBytes: JSON.stringify(body).length,
    });
    expect(request.inputTokens).toBeGreaterThan(0);
    expect(request.costUsd).toBeGreaterThan(0);
    expect(request.upstreamRequestId).toMatch(/^req_/);
    // At debug: a line per attempt, joined to the request by its id.
    const attempts = all.filter((l) => l.event === 'attempt' && l.requestId === request.requestId);
    expect(attempts.map((a) => [a.target, a.result])).toEqual([
      ['openai/gpt-down', 'error'],
      ['openai/gpt-down', 'error'],
      ['openai/gpt-4o-mini', 'ok'],
    ]);
    expect(attempts[0]).toMatchObject({ status: 503, code: 'unavailable', traceId: TRACE_ID });
    expect(all.some((l) => l.event === 'fallback' && l.requestId === request.requestId)).toBe(true);
    for (const line of all) expect(line).toMatchObject({ version: expect.any(String) });
  });

  it('has the provider’s message, without the key it quotes', async () => {
    stack = await startStack({
      scenario: {
        seed: 1,
        models: {
          'gpt-401': {
            faults: [{ kind: 'status', status: 401, variant: 'text_plain_401', probability: 1 }],
          },
        },
      },
    });
    const res = await post(stack.url, {
      model: 'openai/gpt-401',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(res.status).toBe(502);
    await stack.app.close();
    const request = lines(stack).find((l) => l.msg === 'request')!;
    expect(request.code).toBe('authentication');
    expect(request.providerMessage).toContain('Incorrect API key provided');
    expect(String(request.providerMessage)).not.toContain('PROVIDERSECRET');
  });

  it('at info, has no attempt line for an attempt that answered', async () => {
    stack = await startStack({ logLevel: 'info' });
    const res = await post(stack.url, {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    await res.text();
    await stack.app.close();
    expect(lines(stack).filter((l) => l.event === 'attempt')).toEqual([]);
    expect(lines(stack).filter((l) => l.msg === 'request')).toHaveLength(1);
  });
});

describe('content logging', () => {
  const PROMPT = 'Tell me something about the sea and its tides';
  const ask = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }] };

  it('is off unless the config opts in', async () => {
    stack = await startStack();
    await (await post(stack.url, ask)).text();
    await stack.app.close();
    const text = stack.logs.join('\n');
    expect(text).not.toContain('Tell me');
    expect(lines(stack).find((l) => l.msg === 'request')).not.toHaveProperty('prompt');
  });

  it('when opted in, writes prompt and answer cut to maxChars', async () => {
    stack = await startStack({ telemetry: { logs: { content: { enabled: true, maxChars: 12 } } } });
    const answer = (await (await post(stack.url, ask)).json()) as {
      choices: { message: { content: string } }[];
    };
    await stack.app.close();
    const request = lines(stack).find((l) => l.msg === 'request')!;
    expect(request.prompt).toBe(`${PROMPT.slice(0, 12)}…`);
    expect(request.completion).toBe(`${answer.choices[0]!.message.content.slice(0, 12)}…`);
    expect(stack.logs.join('\n')).not.toContain(PROMPT);
  });
});
