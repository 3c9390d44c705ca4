/** Folding a whole stream into its final answer with the dialects' accumulators, for tests. */
import { MessageAccumulator } from './anthropic/accumulator.ts';
import type { AnthropicMessage, AnthropicStreamEvent } from './anthropic/types.ts';
import type { DialectContext } from './dialect-name.ts';
import { ChatCompletionAccumulator } from './openai/accumulator.ts';
import type { ChatCompletion, ChatCompletionChunk } from './openai/types.ts';

/** Drains a stream of events (e.g. `parseAnthropicStream(...)`) into its `message`. */
export async function accumulateMessage(
  events: AsyncIterable<AnthropicStreamEvent> | Iterable<AnthropicStreamEvent>,
  context: DialectContext = {},
): Promise<AnthropicMessage> {
  const accumulator = new MessageAccumulator(context);
  for await (const event of events) accumulator.add(event);
  return accumulator.toMessage();
}

/** Drains a stream of chunks (e.g. `parseOpenAIStream(...)`) into its `chat.completion`. */
export async function accumulateChatCompletion(
  chunks: AsyncIterable<ChatCompletionChunk> | Iterable<ChatCompletionChunk>,
  context: DialectContext = {},
): Promise<ChatCompletion> {
  const accumulator = new ChatCompletionAccumulator(context);
  for await (const chunk of chunks) accumulator.add(chunk);
  return accumulator.toCompletion();
}
