/**
 * The replay read back by the official SDKs, the way an application would consume it: if
 * openai-node and @anthropic-ai/sdk fold the frames into the stored answer, a real streaming
 * client gets a well-formed stream.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { completion, message, toolCallCompletion, toolUseMessage } from './answers.fixture.ts';
import { replayMessage } from './anthropic/replay.ts';
import { replayChatCompletion } from './openai/replay.ts';
import { anthropicFrame, OPENAI_DONE_FRAME, openAIFrame } from './sse-encode.ts';

function sse(body: string) {
  return async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } });
}

describe('replays through the official SDKs', () => {
  it.each([
    ['text', completion()],
    ['tool calls', toolCallCompletion],
  ])('openai-node folds the %s replay into the stored completion', async (_name, stored) => {
    const chunks = replayChatCompletion(stored, { includeUsage: true });
    const body = `${chunks.map(openAIFrame).join('')}${OPENAI_DONE_FRAME}`;
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
    const client = new OpenAI({ apiKey: 'test', maxRetries: 0, fetch: sse(body) });
    const stream = client.chat.completions.stream({ model: 'm', messages: [] });
    const folded = await stream.finalChatCompletion();
    expect(folded).toMatchObject({ id: stored.id, model: stored.model, usage: stored.usage });
    expect(folded.choices[0]?.finish_reason).toBe(stored.choices[0]?.finish_reason);
    expect(folded.choices[0]?.message.content).toBe(stored.choices[0]?.message.content);
    expect(folded.choices[0]?.message.tool_calls ?? []).toEqual(
      stored.choices[0]?.message.tool_calls ?? [],
    );
  });

  it.each([
    ['text', message()],
    ['thinking and tool use', toolUseMessage],
  ])('@anthropic-ai/sdk folds the %s replay into the stored message', async (_name, stored) => {
    const body = replayMessage(stored).map(anthropicFrame).join('');
    const client = new Anthropic({ apiKey: 'test', maxRetries: 0, fetch: sse(body) });
    const stream = client.messages.stream({ model: 'm', max_tokens: 1, messages: [] });
    expect(await stream.finalMessage()).toMatchObject(stored);
  });
});
