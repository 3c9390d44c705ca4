/**
 * OpenAI token counts against references that do not share our code: the counts OpenAI's
 * Cookbook published (reported by tiktoken and by the API's usage.prompt_tokens), the tokenizer
 * package's own `encode()` on every corpus text, and a line-by-line port of the Cookbook's
 * `num_tokens_from_messages` over `encode()` lengths. Every count must match exactly.
 */
import { encode as encodeCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { encode as encodeO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countChatCompletionTokens } from 'gpt-tokenizer/model/gpt-4o';
import { describe, expect, it } from 'vitest';
import {
  COOKBOOK_CHAT,
  COOKBOOK_TOOLS_CHAT,
  PUBLISHED_TEXT_COUNTS,
  TEXTS,
} from './corpus.fixture.ts';
import { countOpenAIPrompt } from './openai-chat-tokens.ts';
import { encodingForModel, openaiTokenizer } from './openai-encoding.ts';

const plain = { disallowedSpecial: new Set<string>() };
const o200k = openaiTokenizer('o200k_base');
const cl100k = openaiTokenizer('cl100k_base');

/** The Cookbook's `num_tokens_from_messages`, ported as written, over the package's encode(). */
function cookbookCount(messages: readonly Record<string, string>[], encode: typeof encodeO200k) {
  let n = 0;
  for (const message of messages) {
    n += 3;
    for (const [key, value] of Object.entries(message)) {
      n += encode(value, plain).length;
      if (key === 'name') n += 1;
    }
  }
  return n + 3;
}

const CHATS: readonly (readonly Record<string, string>[])[] = [
  COOKBOOK_CHAT.messages as readonly Record<string, string>[],
  [{ role: 'user', content: TEXTS.prose! }],
  [
    { role: 'developer', content: 'Answer in French.' },
    { role: 'user', content: TEXTS.french! },
    { role: 'assistant', content: TEXTS.german! },
    { role: 'user', name: 'Ana', content: TEXTS.emoji! },
  ],
  [
    { role: 'system', content: TEXTS.typescript! },
    { role: 'user', content: TEXTS.json! },
    { role: 'assistant', content: TEXTS.japanese! },
    { role: 'user', content: TEXTS.specials! },
  ],
  [{ role: 'user', content: TEXTS.whitespace! + TEXTS.numbers! + TEXTS.repeated! }],
];

describe('encodings by model', () => {
  it.each([
    ['gpt-4o', 'o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'o200k_base'],
    ['gpt-4.1-nano', 'o200k_base'],
    ['gpt-5.4-mini', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['o4-mini', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['ft:gpt-4o-mini:acme::abc', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-3.5-turbo-0125', 'cl100k_base'],
  ])('%s uses %s', (model, encoding) => {
    expect(encodingForModel(model)).toEqual({ encoding, known: true });
  });

  it('falls back to o200k_base for an unknown model, and says so', () => {
    expect(encodingForModel('llama-3.1-8b')).toEqual({ encoding: 'o200k_base', known: false });
  });
});

describe('text counts', () => {
  it.each(PUBLISHED_TEXT_COUNTS)('%s: the Cookbook counts', (text, cl, o) => {
    expect(cl100k.count(text)).toBe(cl);
    expect(o200k.count(text)).toBe(o);
  });

  it.each(Object.entries(TEXTS))('%s: equals the package encode() length', (_, text) => {
    expect(o200k.count(text)).toBe(encodeO200k(text, plain).length);
    expect(cl100k.count(text)).toBe(encodeCl100k(text, plain).length);
  });

  it('counts special-token text as plain text instead of throwing', () => {
    expect(o200k.count('<|endoftext|>')).toBeGreaterThan(1);
  });
});

describe('chat prompts', () => {
  it('matches the API-reported counts of the Cookbook conversation', () => {
    const request = { ...COOKBOOK_CHAT };
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4o' })).toEqual({
      tokens: 124,
      exact: true,
    });
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4o-mini' }).tokens).toBe(124);
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4' }).tokens).toBe(129);
    expect(countOpenAIPrompt({ ...request, model: 'gpt-3.5-turbo' }).tokens).toBe(129);
  });

  it('matches the API-reported counts of the Cookbook tools request', () => {
    const request = { ...COOKBOOK_TOOLS_CHAT };
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4o' }).tokens).toBe(101);
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4o-mini' }).tokens).toBe(101);
    expect(countOpenAIPrompt({ ...request, model: 'gpt-4' }).tokens).toBe(105);
    expect(countOpenAIPrompt({ ...request, model: 'gpt-3.5-turbo' }).tokens).toBe(105);
  });

  it.each(CHATS.map((messages, i) => [i, messages] as const))(
    'corpus chat %i: equals the Cookbook formula and the package own chat count',
    (_, messages) => {
      const o = countOpenAIPrompt({ model: 'gpt-4o', messages });
      expect(o).toEqual({ tokens: cookbookCount(messages, encodeO200k), exact: true });
      expect(o.tokens).toBe(countChatCompletionTokens!({ messages: [...messages] } as never));
      const cl = countOpenAIPrompt({ model: 'gpt-4', messages });
      expect(cl.tokens).toBe(cookbookCount(messages, encodeCl100k));
    },
  );

  it('counts text parts of array content like string content', () => {
    const asString = countOpenAIPrompt({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Describe the picture.' }],
    });
    const asParts = countOpenAIPrompt({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe the picture.' }] }],
    });
    expect(asParts).toEqual(asString);
  });

  it('marks images, tool calls and unknown models as estimates', () => {
    const image = countOpenAIPrompt({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }],
        },
      ],
    });
    expect(image).toEqual({ tokens: 3 + 1 + 85 + 3, exact: false });
    const calls = countOpenAIPrompt({
      model: 'gpt-4o',
      messages: [
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          ],
        },
      ],
    });
    expect(calls.exact).toBe(false);
    expect(calls.tokens).toBeGreaterThan(6);
    expect(countOpenAIPrompt({ model: 'mystery', messages: [] })).toEqual({
      tokens: 3,
      exact: false,
    });
  });
});
