/**
 * The per-event cost of translating and framing a stream, both ways: what breakwater adds to
 * every token of a cross-dialect stream. Plain Node, no harness:
 * `node src/dialects/translate/stream-translation.bench.ts`.
 */
import type { AnthropicStreamEvent } from '../anthropic/types.ts';
import type { ChatCompletionChunk } from '../openai/types.ts';
import { anthropicFrame, openAIFrame } from '../sse-encode.ts';
import { AnthropicToOpenAIStream } from './anthropic-to-openai-stream.ts';
import { OpenAIToAnthropicStream } from './openai-to-anthropic-stream.ts';

const TOKENS = 500;

const anthropicEvents: AnthropicStreamEvent[] = [
  {
    type: 'message_start',
    message: {
      id: 'msg_bench',
      type: 'message',
      role: 'assistant',
      model: 'claude',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 100, output_tokens: 1 },
    },
  },
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  ...Array.from(
    { length: TOKENS },
    (): AnthropicStreamEvent => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: ' token' },
    }),
  ),
  { type: 'content_block_stop', index: 0 },
  {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: TOKENS },
  },
  { type: 'message_stop' },
];

const openaiChunks: ChatCompletionChunk[] = Array.from({ length: TOKENS }, (_, i) => ({
  id: 'chatcmpl-bench',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt',
  choices: [
    { index: 0, delta: { content: ' token' }, finish_reason: i === TOKENS - 1 ? 'stop' : null },
  ],
}));

function anthropicToOpenAI(): number {
  const stream = new AnthropicToOpenAIStream({ includeUsage: true });
  let bytes = 0;
  for (const event of anthropicEvents) {
    for (const chunk of stream.push(event)) bytes += openAIFrame(chunk).length;
  }
  return bytes;
}

function openAIToAnthropic(): number {
  const stream = new OpenAIToAnthropicStream();
  let bytes = 0;
  for (const chunk of openaiChunks) {
    for (const event of stream.push(chunk)) bytes += anthropicFrame(event).length;
  }
  for (const event of stream.end()) bytes += anthropicFrame(event).length;
  return bytes;
}

function measure(name: string, run: () => number, iterations = 2000): void {
  for (let i = 0; i < 200; i++) run();
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < iterations; i++) bytes += run();
  const perEventNs = ((performance.now() - start) * 1e6) / (iterations * TOKENS);
  console.log(
    `${name}: ${perEventNs.toFixed(0)} ns per token event (${bytes / iterations} bytes framed)`,
  );
}

measure('Anthropic → OpenAI', anthropicToOpenAI);
measure('OpenAI → Anthropic', openAIToAnthropic);
