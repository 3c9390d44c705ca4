import { describe, expect, it } from 'vitest';
import { slideWindow, slidingWindow } from './sliding-window.ts';

const say = (role: string, i: number) => ({
  role,
  content: `${role} turn ${i}: ${'some words to count here '.repeat(8)}`,
});

function chat(turns: number) {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'You are terse.' }];
  for (let i = 0; i < turns; i++) messages.push(say('user', i), say('assistant', i));
  return messages;
}

describe('slidingWindow', () => {
  it('keeps everything when it fits', () => {
    const messages = chat(3);
    expect(slidingWindow(messages, { maxTokens: 10_000 })).toEqual(messages);
  });

  it('keeps the system prompt and the newest turns within the budget', () => {
    const messages = chat(20);
    const { messages: kept, dropped, tokens } = slideWindow(messages, { maxTokens: 300 });
    expect(kept[0]).toEqual(messages[0]);
    expect(kept.at(-1)).toEqual(messages.at(-1));
    expect(tokens).toBeLessThanOrEqual(300);
    expect(kept.length).toBeLessThan(messages.length);
    expect(dropped.length + kept.length).toBe(messages.length);
    // What is kept is the newest run, in order.
    expect(kept.slice(1)).toEqual(messages.slice(messages.length - (kept.length - 1)));
  });

  it('keeps the newest keepLastN messages even over the budget', () => {
    const messages = chat(10);
    const kept = slidingWindow(messages, { maxTokens: 20, keepLastN: 3 });
    expect(kept).toEqual([messages[0], ...messages.slice(-3)]);
  });

  it('never separates an OpenAI tool call from its tool messages', () => {
    const messages = [
      { role: 'system', content: 'sys' },
      say('user', 0),
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'a', arguments: '{}' } },
          { id: 'call_2', type: 'function', function: { name: 'b', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'result one' },
      { role: 'tool', tool_call_id: 'call_2', content: 'result two' },
      { role: 'assistant', content: 'done' },
    ];
    // keepLastN 2 reaches into the tool results: their call comes with them.
    const kept = slidingWindow(messages, { maxTokens: 1, keepLastN: 2 });
    expect(kept.map((m) => m.role)).toEqual(['system', 'assistant', 'tool', 'tool', 'assistant']);
  });

  it('never separates an Anthropic tool_use from the tool_result that answers it', () => {
    const messages = [
      say('user', 0),
      say('assistant', 0),
      say('user', 1),
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'x' } }],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'found it' }],
      },
    ];
    const kept = slidingWindow(messages, { maxTokens: 1, keepLastN: 1, model: 'claude-haiku-4-5' });
    expect(kept).toEqual(messages.slice(3));
  });

  it('refuses options that cannot work, naming the option', () => {
    expect(() => slidingWindow([], { maxTokens: 0 })).toThrow(/`maxTokens`/);
    expect(() => slidingWindow([], { maxTokens: 5, keepLastN: -1 })).toThrow(/`keepLastN`/);
  });
});
