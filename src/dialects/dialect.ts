/**
 * What the engine needs to know about a wire format, in one small interface with one
 * implementation per provider (openai/dialect.ts, anthropic/dialect.ts). The engine never
 * branches on a dialect's name; it asks the dialect.
 */
import type { BreakwaterError } from '../errors/index.ts';
import type { DialectContext, DialectName } from './dialect-name.ts';
import type { HeadersLike } from './headers.ts';
import type { Usage } from './usage.ts';

interface Accumulator<Ev, Res> {
  add(event: Ev): void;
  /** The final answer the events add up to. */
  result(): Res;
}

/** Follows the usage a stream reports as its events go by. */
export interface UsageTracker<Ev> {
  add(event: Ev): void;
  /** What the stream reported so far; undefined when it reported nothing (never a made-up 0). */
  readonly usage: Usage | undefined;
  /** The stop reason the stream gave (`finish_reason` / `stop_reason`), once it gave one. */
  readonly stopReason: string | undefined;
}

export interface Dialect<Req, Res, Ev> {
  readonly name: DialectName;
  /** The provider's endpoint for this dialect, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** The stream's closing frame (`data: [DONE]` for OpenAI), or ''. */
  readonly streamEnd: string;
  /** Auth and version headers for an upstream call; `forwarded` are the caller's own. */
  upstreamHeaders(key: string | undefined, forwarded?: HeadersLike): Record<string, string>;
  isStream(request: Req): boolean;
  /** The output limit the request sets, if any. */
  maxTokens(request: Req): number | undefined;
  /**
   * The request as sent to `model` in this dialect. Streams always ask for usage, so spend and
   * limits are never blind; `includeUsage` says whether the caller itself asked.
   */
  forTarget(request: Req, model: string): Req;
  /** The caller asked for usage in the stream (OpenAI `stream_options.include_usage`). */
  wantsStreamUsage(request: Req): boolean;
  parseStream(body: AsyncIterable<Uint8Array>, ctx: DialectContext): AsyncIterable<Ev>;
  /** The event carries content (text, tool call, thinking): the stream's commit point. */
  isContent(event: Ev): boolean;
  /** An OpenAI usage-only chunk (`choices: []`) the caller did not ask for is dropped. */
  isUsageOnly(event: Ev): boolean;
  frame(event: Ev): string;
  /** A well-formed in-band error frame, the way the provider itself ends a failed stream. */
  errorFrame(error: BreakwaterError): string;
  accumulator(ctx: DialectContext): Accumulator<Ev, Res>;
  /** Why the answer is a refusal (content filter, `refusal`), or undefined. */
  refusal(response: Res): string | undefined;
  /** A normal, complete answer carrying `text`, for the static fallback. */
  textAnswer(text: string, model: string, nowMs: number): Res;
  /** The usage an answer reports, normalized; undefined when it has none. */
  responseUsage(response: Res): Usage | undefined;
  usageTracker(): UsageTracker<Ev>;
  /** The events of a stored answer, for a streaming caller. */
  replay(response: Res, includeUsage: boolean): Ev[];
}
