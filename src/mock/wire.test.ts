/** The stream and body shapes of both dialects (provider-wire.md §4), checked frame by frame. */

import { describe, expect, it } from 'vitest';
import { anthropicBody, anthropicStream, anthropicStreamError } from './anthropic-wire.ts';
import type { Completion } from './completion.ts';
import { openaiBody, openaiStream, openaiStreamError } from './openai-wire.ts';
import { mulberry32 } from './prng.ts';

const text: Completion = {
  pieces: ['Lorem', ' ipsum.'],
  tool: undefined,
  stop: 'end',
  inputTokens: 9,
  outputTokens: 2,
};
const tool: Completion = {
  pieces: [],
  tool: { name: 'get_weather', input: { city: 'mock' }, json: '{"city":"mock"}' },
  stop: 'tool',
  inputTokens: 9,
  outputTokens: 12,
};
const data = (frame: { text: string }) => JSON.parse(frame.text.split('data: ')[1]!);
const openaiCtx = (includeUsage: boolean) => ({
  model: 'gpt-4o',
  created: 1_700_000_000,
  random: mulberry32(1),
  includeUsage,
});

describe('OpenAI wire', () => {
  it('a chat.completion with usage details', () => {
    const body = openaiBody(text, openaiCtx(false)) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Lorem ipsum.' },
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 9,
        completion_tokens: 2,
        total_tokens: 11,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(body.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
  });

  it('streams role, deltas, finish, usage chunk, [DONE]; data-only frames', () => {
    const frames = openaiStream(text, openaiCtx(true));
    expect(frames.every((f) => f.text.startsWith('data: ') && f.text.endsWith('\n\n'))).toBe(true);
    expect(frames.at(-1)?.text).toBe('data: [DONE]\n\n');
    const chunks = frames.slice(0, -1).map(data);
    expect(chunks.map((c) => c.choices[0]?.delta ?? 'usage')).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Lorem' },
      { content: ' ipsum.' },
      {},
      'usage',
    ]);
    expect(chunks[3].choices[0].finish_reason).toBe('stop');
    expect(chunks[4]).toMatchObject({ choices: [], usage: { total_tokens: 11 } });
    expect(chunks.slice(0, 4).every((c) => c.usage === null)).toBe(true);
    expect(frames.map((f) => f.tokens)).toEqual([0, 1, 1, 0, 0, 0]);
  });

  it('leaves usage out entirely without include_usage', () => {
    const chunks = openaiStream(text, openaiCtx(false)).slice(0, -1).map(data);
    expect(chunks).toHaveLength(4);
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
  });

  it('streams a tool call: header with id and name, then argument fragments', () => {
    const chunks = openaiStream(tool, openaiCtx(false)).slice(0, -1).map(data);
    const first = chunks[0].choices[0].delta;
    expect(first.role).toBe('assistant');
    expect(first.tool_calls[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(first.tool_calls[0].id).toMatch(/^call_/);
    const args = chunks
      .slice(1, -1)
      .map((c) => c.choices[0].delta.tool_calls[0].function.arguments)
      .join('');
    expect(args).toBe('{"city":"mock"}');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('a mid-stream error is a data frame with an error key', () => {
    expect(data(openaiStreamError()).error).toMatchObject({ type: 'server_error', code: null });
  });
});

describe('Anthropic wire', () => {
  const ctx = () => ({ model: 'claude-sonnet-4-5', random: mulberry32(1) });

  it('a message with content, stop_reason and cache usage fields', () => {
    const body = anthropicBody(text, ctx()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      content: [{ type: 'text', text: 'Lorem ipsum.' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 9,
        output_tokens: 2,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(body.id).toMatch(/^msg_01[A-Za-z0-9]{22}$/);
    expect(anthropicBody(tool, ctx())).toMatchObject({
      content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'mock' } }],
      stop_reason: 'tool_use',
    });
  });

  it('streams named events whose data type matches, with a ping and cumulative usage', () => {
    const frames = anthropicStream(text, ctx());
    const events = frames.map((f) => {
      const [eventLine, dataLine] = f.text.split('\n');
      const payload = JSON.parse(dataLine!.slice(6));
      expect(eventLine).toBe(`event: ${payload.type}`);
      return payload;
    });
    expect(events.map((e) => e.type)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0].message).toMatchObject({
      content: [],
      stop_reason: null,
      usage: { input_tokens: 9 },
    });
    expect(events[3].delta).toEqual({ type: 'text_delta', text: 'Lorem' });
    expect(events[6]).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 2, input_tokens: 9 },
    });
  });

  it('streams tool input as input_json_delta fragments starting with an empty one', () => {
    const events = anthropicStream(tool, ctx()).map((f) => JSON.parse(f.text.split('data: ')[1]!));
    expect(events[1].content_block).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: {},
    });
    const deltas = events
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => e.delta.partial_json);
    expect(deltas[0]).toBe('');
    expect(deltas.join('')).toBe('{"city":"mock"}');
    expect(events.at(-2).delta.stop_reason).toBe('tool_use');
  });

  it('an error event has no request_id', () => {
    expect(anthropicStreamError().text).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });
});
