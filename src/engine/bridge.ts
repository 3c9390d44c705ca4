/**
 * The way between the caller's dialect and a target's: the request as the target reads it, its
 * answer as the caller reads it, and its stream events turned into the caller's. The same
 * dialect on both sides passes through with the model name changed; otherwise translate/ does
 * the work. One bridge per (caller dialect, target dialect) pair, built once.
 */
import { anthropicDialect } from '../dialects/anthropic/dialect.ts';
import type {
  AnthropicMessage,
  AnthropicStreamEvent,
  MessageCreateRequest,
} from '../dialects/anthropic/types.ts';
import type { Dialect } from '../dialects/dialect.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { openaiDialect } from '../dialects/openai/dialect.ts';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
} from '../dialects/openai/types.ts';
import {
  AnthropicToOpenAIStream,
  anthropicToOpenAIRequest,
  anthropicToOpenAIResponse,
  OpenAIToAnthropicStream,
  openAIToAnthropicResponse,
  openaiToAnthropicRequest,
  type TranslationWarning,
} from '../dialects/translate/index.ts';

// The engine moves requests, answers and events between dialects it only knows by name.
// biome-ignore lint/suspicious/noExplicitAny: each dialect checks its own shapes
export type AnyDialect = Dialect<any, any, any>;
export type Wire = Record<string, unknown>;

export const DIALECTS: Readonly<Record<DialectName, AnyDialect>> = Object.freeze({
  openai: openaiDialect,
  anthropic: anthropicDialect,
});

export interface EventTranslator {
  push(event: unknown): unknown[];
  end(): unknown[];
}

export interface Bridge {
  readonly caller: AnyDialect;
  readonly target: AnyDialect;
  readonly translates: boolean;
  /**
   * The caller's request for `model` in the target's dialect; `defaultMaxTokens` is the limit a
   * target that requires one gets when the request names none (the route's default, capped).
   * May throw a validation error.
   */
  request(
    body: Wire,
    model: string,
    defaultMaxTokens: number,
  ): { request: Wire; warnings: readonly TranslationWarning[] };
  /** The target's final answer as the caller reads it. */
  response(answer: unknown): unknown;
  /** A fresh translator for one stream, or undefined when events pass through. */
  stream(body: Wire): EventTranslator | undefined;
}

/** A same-dialect request warns of nothing: one empty list for all. */
const NO_WARNINGS: readonly TranslationWarning[] = Object.freeze([]);

const same = (dialect: AnyDialect): Bridge => ({
  caller: dialect,
  target: dialect,
  translates: false,
  request: (body, model) => ({ request: dialect.forTarget(body, model), warnings: NO_WARNINGS }),
  response: (answer) => answer,
  stream: () => undefined,
});

const openaiToAnthropic: Bridge = {
  caller: openaiDialect,
  target: anthropicDialect,
  translates: true,
  request(body, model, defaultMaxTokens) {
    const t = openaiToAnthropicRequest(body as unknown as ChatCompletionRequest, {
      model,
      defaultMaxTokens,
    });
    return { request: t.request as unknown as Wire, warnings: t.warnings };
  },
  response: (answer) => anthropicToOpenAIResponse(answer as AnthropicMessage),
  stream(body) {
    const includeUsage = openaiDialect.wantsStreamUsage(body as unknown as ChatCompletionRequest);
    const t = new AnthropicToOpenAIStream({ includeUsage });
    return {
      push: (event) => t.push(event as AnthropicStreamEvent),
      end: () => t.end(),
    };
  },
};

const anthropicToOpenAI: Bridge = {
  caller: anthropicDialect,
  target: openaiDialect,
  translates: true,
  request(body, model) {
    const t = anthropicToOpenAIRequest(body as unknown as MessageCreateRequest, { model });
    return {
      request: openaiDialect.forTarget(t.request, model) as unknown as Wire,
      warnings: t.warnings,
    };
  },
  response: (answer) => openAIToAnthropicResponse(answer as ChatCompletion),
  stream() {
    const t = new OpenAIToAnthropicStream();
    return { push: (event) => t.push(event as ChatCompletionChunk), end: () => t.end() };
  },
};

export function createBridges(): (caller: DialectName, target: DialectName) => Bridge {
  const table: Record<string, Bridge> = {
    'openai>openai': same(openaiDialect),
    'anthropic>anthropic': same(anthropicDialect),
    'openai>anthropic': openaiToAnthropic,
    'anthropic>openai': anthropicToOpenAI,
  };
  return (caller, target) => table[`${caller}>${target}`]!;
}
