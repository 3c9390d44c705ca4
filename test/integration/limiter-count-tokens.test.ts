/**
 * Anthropic's count_tokens through `createAnthropicTokenCounter`, against the simulator: the
 * provider's count, cached for a repeated prompt, and `undefined` (never an exception) when the
 * count cannot be had.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type MockServer, startMock } from '../../src/mock/index.ts';
import { estimateInputTokens } from '../../src/mock/token-estimate.ts';
import { createAnthropicTokenCounter } from '../../src/tokens/index.ts';

let mock: MockServer | undefined;
afterEach(() => mock?.close());

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 100,
  stream: true,
  system: 'You are a scientist',
  messages: [{ role: 'user', content: 'Hello, Claude' }],
};

describe('count_tokens', () => {
  it("returns the provider's count and asks only once for the same prompt", async () => {
    mock = await startMock({ apiKeys: ['sk-ant-test'] });
    const counter = createAnthropicTokenCounter({ baseUrl: mock.url, apiKey: 'sk-ant-test' });
    const expected = estimateInputTokens(request);
    expect(await counter.count(request)).toBe(expected);
    expect(await counter.count({ ...request, max_tokens: 5 })).toBe(expected);
    expect(mock.stats().total.requests).toBe(1);
  });

  it('resolves undefined on a refused key or an unreachable provider', async () => {
    mock = await startMock({ apiKeys: ['sk-ant-test'] });
    const refused = createAnthropicTokenCounter({ baseUrl: mock.url, apiKey: () => 'wrong' });
    expect(await refused.count(request)).toBeUndefined();
    const url = mock.url;
    await mock.close();
    mock = undefined;
    const gone = createAnthropicTokenCounter({
      baseUrl: url,
      apiKey: 'sk-ant-test',
      timeoutMs: 500,
    });
    expect(await gone.count(request)).toBeUndefined();
  });
});
