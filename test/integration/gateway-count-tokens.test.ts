/**
 * `POST /v1/messages/count_tokens` at the gateway: Anthropic's own count (here the simulator's
 * count_tokens endpoint, with the provider key the gateway holds) when the route's target is an
 * Anthropic model; the offline estimate, flagged `x-breakwater-estimate: true`, otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/config-resolve.ts';
import { buildGateway } from '../../src/gateway/index.ts';
import { estimateInputTokens } from '../../src/mock/token-estimate.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { type Stack, startStack } from './gateway-harness.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    listen: false,
    routes: {
      claude: { tiers: ['anthropic/claude-haiku-4-5'] },
      gpt: { tiers: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'] },
    },
  });
});
afterAll(() => stack.close());

const body = (model: string) => ({
  model,
  system: 'Be brief.',
  messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(4) }],
});

const count = (model: string) =>
  stack.app.inject({ method: 'POST', url: '/v1/messages/count_tokens', payload: body(model) });

describe('count_tokens', () => {
  it("asks Anthropic's own endpoint when the target is an Anthropic model with a key", async () => {
    const res = await count('claude');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-breakwater-estimate']).toBeUndefined();
    // The simulator's count, not breakwater's estimate.
    const upstream = estimateInputTokens(body('claude-haiku-4-5'));
    expect(res.json()).toEqual({ input_tokens: upstream });
  });

  it('answers the estimate, and says so, when the target is not Anthropic', async () => {
    const res = await count('gpt');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-breakwater-estimate']).toBe('true');
    expect(res.json().input_tokens).toBeGreaterThan(40);
  });

  it('answers the estimate, and says so, when the gateway holds no Anthropic key', async () => {
    const config = resolveConfig(
      {
        providers: { anthropic: { baseUrl: stack.mock.url } },
        routes: { claude: { tiers: ['anthropic/claude-haiku-4-5'] } },
      },
      { env: {} },
    );
    const logger = createLogger({ level: 'error', destination: { write: () => {} } });
    const app = buildGateway({ config, logger });
    try {
      const before = stack.mock.stats().total.requests;
      const res = await app.inject({
        method: 'POST',
        url: '/v1/messages/count_tokens',
        payload: body('claude'),
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-breakwater-estimate']).toBe('true');
      expect(res.json().input_tokens).toBeGreaterThan(40);
      expect(stack.mock.stats().total.requests).toBe(before);
    } finally {
      await app.close();
    }
  });
});
