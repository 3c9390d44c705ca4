import { describe, expect, it } from 'vitest';
import { completion, message } from '../dialects/answers.fixture.ts';
import { replayMessage } from '../dialects/anthropic/replay.ts';
import { replayChatCompletion } from '../dialects/openai/replay.ts';
import { createBridges } from './bridge.ts';

const bridges = createBridges();
const openaiRequest = {
  model: 'chat',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hello' },
  ],
};

describe('createBridges', () => {
  it('builds each pair once', () => {
    expect(bridges('openai', 'anthropic')).toBe(bridges('openai', 'anthropic'));
    expect(bridges('openai', 'openai')).not.toBe(bridges('anthropic', 'anthropic'));
  });

  it('passes the same dialect through with only the model changed', () => {
    const bridge = bridges('openai', 'openai');
    expect(bridge.translates).toBe(false);
    const { request, warnings } = bridge.request(openaiRequest, 'gpt-4o', 4096);
    expect(request).toEqual({ ...openaiRequest, model: 'gpt-4o' });
    expect(warnings).toEqual([]);
    const answer = completion();
    expect(bridge.response(answer)).toBe(answer);
    expect(bridge.stream(openaiRequest)).toBeUndefined();
  });

  it('asks a streaming target for usage even when the caller did not', () => {
    const { request } = bridges('openai', 'openai').request(
      { ...openaiRequest, stream: true },
      'gpt-4o',
      4096,
    );
    expect(request.stream_options).toEqual({ include_usage: true });
  });

  it("puts an OpenAI request into Anthropic's shape, with the default max_tokens it requires", () => {
    const bridge = bridges('openai', 'anthropic');
    expect(bridge.translates).toBe(true);
    const { request } = bridge.request(openaiRequest, 'claude-sonnet-4-5', 2048);
    expect(request).toMatchObject({
      model: 'claude-sonnet-4-5',
      max_tokens: 2048,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
  });

  it("reads an Anthropic answer and stream as the OpenAI caller's", () => {
    const bridge = bridges('openai', 'anthropic');
    expect(bridge.response(message())).toMatchObject({
      object: 'chat.completion',
      choices: [
        {
          finish_reason: 'stop',
          message: {
            role: 'assistant',
            content: 'The weather in Paris is mild today, with light winds from the west.',
          },
        },
      ],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) },
    });
    const translator = bridge.stream({ ...openaiRequest, stream: true })!;
    const chunks = [
      ...replayMessage(message()).flatMap((e) => translator.push(e)),
      ...translator.end(),
    ];
    expect(chunks.every((c) => (c as { object: string }).object === 'chat.completion.chunk')).toBe(
      true,
    );
    // The caller asked for no usage: no usage-only chunk at the end.
    expect(chunks.some((c) => (c as { choices: unknown[] }).choices.length === 0)).toBe(false);
  });

  it("puts an Anthropic request into OpenAI's shape and reads its answer and stream back", () => {
    const bridge = bridges('anthropic', 'openai');
    const { request } = bridge.request(
      {
        model: 'chat',
        max_tokens: 100,
        system: 'Be brief.',
        messages: [{ role: 'user', content: 'Hi' }],
      },
      'gpt-4o',
      4096,
    );
    expect(request).toMatchObject({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(bridge.response(completion())).toMatchObject({
      type: 'message',
      role: 'assistant',
      stop_reason: 'end_turn',
    });
    const translator = bridge.stream({})!;
    const events = [
      ...replayChatCompletion(completion(), { includeUsage: true }).flatMap((c) =>
        translator.push(c),
      ),
      ...translator.end(),
    ];
    expect((events[0] as { type: string }).type).toBe('message_start');
    expect((events.at(-1) as { type: string }).type).toBe('message_stop');
  });
});
