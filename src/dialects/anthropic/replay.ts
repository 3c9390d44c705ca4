/**
 * Replaying a stored message as the stream events a streaming client expects; they fold back,
 * with the accumulator, into the very answer that was stored (same `id` and `model`: it is the
 * same answer, served again — that it came from the cache is said out of band, in headers).
 */
import { DEFAULT_PIECE_CHARS, type ReplayOptions, splitText } from '../split-text.ts';
import type { AnthropicMessage, AnthropicStreamEvent, ContentBlock } from './types.ts';

function blockEvents(block: ContentBlock, index: number, size: number): AnthropicStreamEvent[] {
  const events: AnthropicStreamEvent[] = [];
  const delta = (d: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']) =>
    events.push({ type: 'content_block_delta', index, delta: d });
  if (block.type === 'text') {
    const citations = block.citations;
    const start = Array.isArray(citations) && citations.length > 0 ? [] : citations;
    events.push({
      type: 'content_block_start',
      index,
      content_block: {
        ...block,
        text: '',
        ...(citations === undefined ? {} : { citations: start }),
      },
    });
    if (Array.isArray(citations) && citations.length > 0) {
      for (const citation of citations) delta({ type: 'citations_delta', citation });
    }
    for (const piece of splitText(block.text, size)) delta({ type: 'text_delta', text: piece });
  } else if (block.type === 'thinking') {
    events.push({
      type: 'content_block_start',
      index,
      content_block: { ...block, thinking: '', signature: '' },
    });
    for (const piece of splitText(block.thinking, size)) {
      delta({ type: 'thinking_delta', thinking: piece });
    }
    delta({ type: 'signature_delta', signature: block.signature });
  } else if (block.type === 'tool_use' || block.type === 'server_tool_use') {
    events.push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
    for (const piece of splitText(JSON.stringify(block.input ?? {}), size)) {
      delta({ type: 'input_json_delta', partial_json: piece });
    }
  } else {
    // redacted_thinking, tool results and blocks added later arrive whole at their start.
    events.push({ type: 'content_block_start', index, content_block: block });
  }
  events.push({ type: 'content_block_stop', index });
  return events;
}

/** The events of a stream that folds into `message`. */
export function replayMessage(
  message: AnthropicMessage,
  options: ReplayOptions = {},
): AnthropicStreamEvent[] {
  const size = options.pieceChars ?? DEFAULT_PIECE_CHARS;
  const { stop_reason, stop_sequence, usage, content } = message;
  const events: AnthropicStreamEvent[] = [
    {
      type: 'message_start',
      message: {
        ...message,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 0 },
      },
    },
  ];
  content.forEach((block, index) => {
    events.push(...blockEvents(block, index, size));
  });
  events.push(
    { type: 'message_delta', delta: { stop_reason, stop_sequence }, usage: { ...usage } },
    { type: 'message_stop' },
  );
  return events;
}
