/**
 * No secret and no prompt in the logs (user-needs #24): a run through the gateway with known
 * provider keys, client keys, prompts and answers — successes, streams, upstream 401s that echo
 * part of the key, a wrong client key, a key smuggled into the body, a client that leaves — with
 * every log line captured at debug level. None of them may appear; and each request still gets
 * exactly one line that says what happened. Every byte sent to the clients is scanned for the
 * provider keys as well.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/telemetry/logger.ts';
import {
  ANTHROPIC_PROVIDER_KEY,
  CLIENT_KEY,
  captureWire,
  OPENAI_PROVIDER_KEY,
  type Stack,
  startStack,
} from './gateway-harness.ts';

const PROMPT = 'PROMPT-the-launch-code-is-4815162342';
const SYSTEM = 'SYSTEM-you-are-agent-smith';

let stack: Stack;
let wire: () => string;

beforeAll(async () => {
  stack = await startStack({
    scenario: {
      seed: 9,
      default: { outputTokens: 10 },
      models: {
        'gpt-401': {
          faults: [{ kind: 'status', status: 401, variant: 'text_plain_401', probability: 1 }],
        },
        'claude-401': { faults: [{ kind: 'status', status: 401, probability: 1 }] },
        'claude-slow': { outputTokens: 40, latency: { perTokenMs: 50 } },
      },
    },
    routes: { chat: { tiers: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] } },
    gateway: { clientKeys: [{ id: 'app', key: CLIENT_KEY }] },
  });
  wire = captureWire(stack.app);
});

afterAll(async () => {
  await stack.close();
});

describe('logs', () => {
  it('never show a key, a prompt or an answer', async () => {
    const openai = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${stack.url}/v1`, maxRetries: 0 });
    const messages = [
      { role: 'system' as const, content: SYSTEM },
      { role: 'user' as const, content: PROMPT },
    ];
    const answers: string[] = [];
    const plain = await openai.chat.completions.create({ model: 'chat', messages });
    answers.push(plain.choices[0]!.message.content!);
    const stream = await openai.chat.completions.create({ model: 'chat', messages, stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? '';
    answers.push(streamed);

    for (const model of ['openai/gpt-401', 'anthropic/claude-401']) {
      await expect(openai.chat.completions.create({ model, messages })).rejects.toThrow();
    }
    const wrong = new OpenAI({
      apiKey: `${CLIENT_KEY}-wrong`,
      baseURL: `${stack.url}/v1`,
      maxRetries: 0,
    });
    await expect(wrong.chat.completions.create({ model: 'chat', messages })).rejects.toThrow();
    const smuggled = await fetch(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': CLIENT_KEY },
      body: JSON.stringify({ model: 'chat', messages, api_key: OPENAI_PROVIDER_KEY }),
    });
    expect(smuggled.status).toBe(400);
    const left = new AbortController();
    const leaving = await fetch(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({
        model: 'anthropic/claude-slow',
        max_tokens: 60,
        stream: true,
        messages: [{ role: 'user', content: PROMPT }],
      }),
      signal: left.signal,
    });
    await leaving.body!.getReader().read();
    left.abort();

    await stack.app.close();
    const logs = stack.logs.join('\n');
    const secrets = [
      OPENAI_PROVIDER_KEY,
      ANTHROPIC_PROVIDER_KEY,
      'PROVIDERSECRET',
      CLIENT_KEY,
      PROMPT,
      '4815162342',
      SYSTEM,
      ...answers.filter((a) => a.length > 12),
    ];
    for (const secret of secrets) expect(logs, secret).not.toContain(secret);
    // Nor does anything sent to a client: every status line, header, body and stream event.
    const sent = wire();
    expect(sent).toContain('HTTP/1.1 502');
    for (const key of [OPENAI_PROVIDER_KEY, ANTHROPIC_PROVIDER_KEY]) {
      for (const part of [key, key.slice(0, 12), key.slice(-8), 'PROVIDERSECRET']) {
        expect(sent, part).not.toContain(part);
      }
    }

    const lines = stack.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(7);
    // A provider rejecting the gateway's key is the operator's problem (502); a bad client key is 401.
    expect(lines.map((l) => l.status)).toEqual([200, 200, 502, 502, 401, 400, 200]);
    expect(lines[2]).toMatchObject({
      code: 'authentication',
      target: 'openai/gpt-401',
      tenant: 'app',
    });
    expect(lines[4]).toMatchObject({ code: 'authentication' });
    expect(lines[4].tenant).toBeUndefined();
    expect(lines[6]).toMatchObject({ outcome: 'client_closed', dialect: 'anthropic' });
  });

  it('redacts key-bearing paths even when something passes them by mistake', () => {
    const lines: string[] = [];
    const logger = createLogger({ destination: { write: (l: string) => void lines.push(l) } });
    logger.info(
      {
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY },
        req: { headers: { authorization: 'Bearer x', 'x-api-key': 'y' } },
        provider: { apiKey: OPENAI_PROVIDER_KEY },
        apiKey: ANTHROPIC_PROVIDER_KEY,
      },
      'oops',
    );
    const text = lines.join('');
    expect(text).not.toContain(CLIENT_KEY);
    expect(text).not.toContain('PROVIDERSECRET');
    expect(text).toContain('[redacted]');
  });
});
