/**
 * Folding an Anthropic stream's events into the `message` a non-streaming call would have
 * returned: blocks placed at their `index`, text / thinking joined, signatures and citations
 * applied, each tool's `input` parsed from its `input_json_delta` fragments at
 * `content_block_stop`, and `message_delta`'s stop reason and cumulative usage merged over
 * `message_start`'s. The engine uses it to cache streamed answers and to translate them.
 */
import { malformedResponse } from '../../errors/index.ts';
import { classifyStreamError } from '../classify.ts';
import type { DialectContext } from '../dialect-name.ts';
import type {
  AnthropicMessage,
  AnthropicStreamEvent,
  ContentBlock,
  ContentBlockDelta,
  MessageDeltaEvent,
} from './types.ts';

/** Folds events, in stream order, into a `message`. */
export class MessageAccumulator {
  #context: DialectContext;
  #message: AnthropicMessage | undefined;
  /** Unfinished tool inputs by block index: the JSON text received so far. */
  #json = new Map<number, string>();
  #stopped = false;

  constructor(context: DialectContext = {}) {
    this.#context = context;
  }

  /** `message_stop` has been seen: the message is complete. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Adds the next event. Throws `malformed_response` for an event out of order (a block event
   * before `message_start`, a delta for a block that was never started or of the wrong kind, a
   * tool input that is not JSON), and the classified error for an `error` event.
   */
  add(event: AnthropicStreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.#message = {
          ...event.message,
          content: [...(event.message.content ?? [])].map((block) => ({ ...block })),
          usage: { ...event.message.usage },
        };
        return;
      case 'content_block_start': {
        if (!Number.isInteger(event.index) || event.index < 0) {
          throw malformedResponse(`content_block_start with index ${event.index}`, this.#context);
        }
        const block = { ...event.content_block };
        this.#require(event.type).content[event.index] = block;
        if (block.type === 'tool_use' || block.type === 'server_tool_use') {
          this.#json.set(event.index, '');
        }
        return;
      }
      case 'content_block_delta':
        this.#applyDelta(event.index, event.delta);
        return;
      case 'content_block_stop':
        this.#finishBlock(event.index);
        return;
      case 'message_delta':
        this.#applyMessageDelta(event);
        return;
      case 'message_stop':
        this.#require(event.type);
        this.#stopped = true;
        return;
      case 'ping':
        return;
      case 'error':
        throw classifyStreamError({ dialect: 'anthropic', data: event, ...this.#context });
    }
  }

  /**
   * The message so far. After a whole stream it is what the non-streaming call returns; after an
   * interrupted one `stop_reason` may be null, and a tool block cut mid-input keeps the `input`
   * its `content_block_start` carried. Throws `malformed_response` before `message_start`.
   */
  toMessage(): AnthropicMessage {
    const message = this.#require('toMessage');
    return {
      ...message,
      content: message.content.filter((block) => block !== undefined),
      usage: { ...message.usage },
    };
  }

  #require(what: string): AnthropicMessage {
    if (!this.#message) throw malformedResponse(`${what} before message_start`, this.#context);
    return this.#message;
  }

  #block(index: number, what: string): ContentBlock {
    const block = this.#require(what).content[index];
    if (!block) throw malformedResponse(`${what} for block ${index}, never started`, this.#context);
    return block;
  }

  #applyDelta(index: number, delta: ContentBlockDelta): void {
    const block = this.#block(index, 'content_block_delta');
    if (delta.type === 'text_delta' && block.type === 'text') {
      block.text += delta.text;
    } else if (delta.type === 'input_json_delta' && this.#json.has(index)) {
      this.#json.set(index, this.#json.get(index) + delta.partial_json);
    } else if (delta.type === 'thinking_delta' && block.type === 'thinking') {
      block.thinking += delta.thinking;
    } else if (delta.type === 'signature_delta' && block.type === 'thinking') {
      block.signature = delta.signature;
    } else if (delta.type === 'citations_delta' && block.type === 'text') {
      block.citations = [...(block.citations ?? []), delta.citation];
    } else {
      throw malformedResponse(
        `a ${String(delta.type)} for block ${index} of type ${block.type}`,
        this.#context,
      );
    }
  }

  #finishBlock(index: number): void {
    const block = this.#block(index, 'content_block_stop');
    const json = this.#json.get(index);
    this.#json.delete(index);
    if (!json || (block.type !== 'tool_use' && block.type !== 'server_tool_use')) return;
    try {
      block.input = JSON.parse(json);
    } catch (cause) {
      throw malformedResponse(`tool input of block ${index} is not valid JSON`, {
        ...this.#context,
        cause,
      });
    }
  }

  #applyMessageDelta(event: MessageDeltaEvent): void {
    const message = this.#require(event.type);
    for (const [key, value] of Object.entries(event.delta ?? {})) {
      if (value !== undefined) message[key] = value;
    }
    // Usage here is cumulative; a null field means "unchanged", not zero.
    for (const [key, value] of Object.entries(event.usage ?? {})) {
      if (value !== null && value !== undefined) message.usage[key] = value;
    }
  }
}
