/**
 * An Anthropic Messages stream → OpenAI chat.completion.chunk objects, for an OpenAI-dialect
 * caller streaming from a Claude tier. Every chunk carries the same `id` (`chatcmpl-` + the
 * message id's suffix) and `created`.
 *
 * - `message_start` → a role chunk (`{role:'assistant', content:''}`).
 * - text blocks → content chunks, one per `text_delta`.
 * - a `tool_use` block start → a `tool_calls` delta with `id`, `type`, `name` and
 *   `arguments: ''`; each `input_json_delta` → an arguments fragment at the same tool index
 *   (tool indexes count tool blocks only, from 0).
 * - `thinking`, `redacted_thinking` and server-tool blocks are dropped (no OpenAI Chat
 *   counterpart); their tokens stay in the usage.
 * - the first `message_delta` with a stop reason → the finish chunk (stop-reason.ts); later
 *   deltas only update the usage, which is cumulative.
 * - `message_stop` → the usage chunk (`choices: []`) when the caller asked for
 *   `include_usage`, and the stream is complete. With `include_usage`, every other chunk has
 *   `usage: null`, as OpenAI sends them.
 * - `ping` is dropped; `error` throws the classified error.
 *
 * The translator never emits `[DONE]`: the caller writes it once `complete` is true (and an
 * error event otherwise).
 */
import { type Clock, systemClock } from '../../core/clock.ts';
import { malformedResponse } from '../../errors/index.ts';
import type {
  AnthropicStreamEvent,
  AnthropicUsage,
  MessageDeltaUsage,
} from '../anthropic/types.ts';
import { fromAnthropicUsage } from '../anthropic/usage.ts';
import { classifyStreamError } from '../classify.ts';
import type {
  ChatCompletionChunk,
  ChatCompletionDelta,
  ChatFinishReason,
} from '../openai/types.ts';
import { toOpenAIUsage } from '../openai/usage.ts';
import type { Usage } from '../usage.ts';
import { toChatCompletionId } from './ids.ts';
import { toFinishReason } from './stop-reason.ts';
import type { StreamTranslator } from './stream-translator.ts';

export interface AnthropicToOpenAIStreamOptions {
  /** The model name to report, e.g. the route the caller asked for. @default the message's model */
  model?: string;
  /** The caller sent `stream_options.include_usage: true`. @default false */
  includeUsage?: boolean;
  /** Supplies `created`. @default systemClock */
  clock?: Pick<Clock, 'now'>;
}

const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
] as const;

export class AnthropicToOpenAIStream
  implements StreamTranslator<AnthropicStreamEvent, ChatCompletionChunk>
{
  readonly #includeUsage: boolean;
  readonly #created: number;
  #model: string | undefined;
  #id = '';
  #started = false;
  #finished = false;
  #complete = false;
  /** Anthropic block index → OpenAI tool call index, for tool_use blocks only. */
  readonly #toolIndex = new Map<number, number>();
  #usage: AnthropicUsage = { input_tokens: 0, output_tokens: 0 };

  constructor(options: AnthropicToOpenAIStreamOptions = {}) {
    this.#includeUsage = options.includeUsage ?? false;
    this.#created = Math.floor((options.clock ?? systemClock).now() / 1000);
    this.#model = options.model;
  }

  get complete(): boolean {
    return this.#complete;
  }

  get usage(): Usage {
    return fromAnthropicUsage(this.#usage);
  }

  push(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    if (event.type === 'ping' || this.#complete) return [];
    if (event.type === 'error') throw classifyStreamError({ dialect: 'anthropic', data: event });
    if (event.type === 'message_start') {
      if (this.#started) return [];
      this.#started = true;
      this.#id = toChatCompletionId(event.message.id);
      this.#model ??= event.message.model;
      this.#mergeUsage(event.message.usage);
      return [this.#chunk({ role: 'assistant', content: '' }, null)];
    }
    if (!this.#started) throw malformedResponse(`${event.type} arrived before message_start`);
    switch (event.type) {
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type === 'text') {
          return block.text === '' ? [] : [this.#chunk({ content: block.text }, null)];
        }
        if (block.type !== 'tool_use') return [];
        const index = this.#toolIndex.size;
        this.#toolIndex.set(event.index, index);
        const call = { index, id: block.id, type: 'function' as const };
        return [
          this.#chunk(
            { tool_calls: [{ ...call, function: { name: block.name, arguments: '' } }] },
            null,
          ),
        ];
      }
      case 'content_block_delta': {
        const { delta } = event;
        if (delta.type === 'text_delta') {
          return delta.text === '' ? [] : [this.#chunk({ content: delta.text }, null)];
        }
        const index = this.#toolIndex.get(event.index);
        if (delta.type !== 'input_json_delta' || index === undefined || delta.partial_json === '') {
          return [];
        }
        return [
          this.#chunk(
            { tool_calls: [{ index, function: { arguments: delta.partial_json } }] },
            null,
          ),
        ];
      }
      case 'message_delta': {
        this.#mergeUsage(event.usage);
        const reason = toFinishReason(event.delta.stop_reason);
        if (reason === null || this.#finished) return [];
        this.#finished = true;
        return [this.#chunk({}, reason)];
      }
      case 'message_stop': {
        this.#complete = true;
        // A stream that stopped without a stop reason still owes its caller a finish.
        const out = this.#finished ? [] : [this.#chunk({}, 'stop')];
        this.#finished = true;
        if (this.#includeUsage) out.push(this.#usageChunk());
        return out;
      }
      default:
        return [];
    }
  }

  /** Everything is sent by `message_stop`; a source that ends before it leaves `complete` false. */
  end(): ChatCompletionChunk[] {
    return [];
  }

  #mergeUsage(usage: AnthropicUsage | MessageDeltaUsage | undefined): void {
    if (!usage) return;
    // message_delta usage is cumulative, and a null field means "unchanged".
    for (const field of USAGE_FIELDS) {
      const value = usage[field];
      if (typeof value === 'number') this.#usage[field] = value;
    }
  }

  #base(): ChatCompletionChunk {
    const chunk: ChatCompletionChunk = {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: this.#model ?? '',
      choices: [],
    };
    if (this.#includeUsage) chunk.usage = null;
    return chunk;
  }

  #chunk(delta: ChatCompletionDelta, finishReason: ChatFinishReason | null): ChatCompletionChunk {
    const chunk = this.#base();
    chunk.choices.push({ index: 0, delta, logprobs: null, finish_reason: finishReason });
    return chunk;
  }

  #usageChunk(): ChatCompletionChunk {
    const chunk = this.#base();
    chunk.usage = toOpenAIUsage(this.usage);
    return chunk;
  }
}
