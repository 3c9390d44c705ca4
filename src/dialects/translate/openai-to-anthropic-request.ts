/**
 * An OpenAI Chat Completions request → an Anthropic Messages request, for an OpenAI-dialect
 * caller routed to a Claude tier. Messages, system prompt and tools: see
 * openai-to-anthropic-messages.ts and tools.ts. The parameters:
 *
 * - `max_tokens` is required by Anthropic: `max_completion_tokens ?? max_tokens ??` the caller's
 *   `defaultMaxTokens` (OpenAI's own default is "as many as fit").
 * - `temperature` is 0–2 in OpenAI and 0–1 in Anthropic: values above 1 are clamped to 1 (not
 *   scaled: 0.7 means the same on both sides), with a warning.
 * - `stop` (string or array) → `stop_sequences`; whitespace-only sequences, which Anthropic
 *   rejects, are dropped with a warning.
 * - `user` (or its successor `safety_identifier`) → `metadata.user_id`.
 * - `stream` crosses; `stream_options` does not (Anthropic always reports usage; pass
 *   `include_usage` to AnthropicToOpenAIStream).
 * - `n > 1` is rejected (`validation`, param `n`): Anthropic returns one answer per request.
 * - Parameters with no counterpart that change the answer (`seed`, `logprobs`, penalties,
 *   `response_format` other than text, `reasoning_effort`, …) are not sent and come back as
 *   warnings; those that only change billing or storage (`store`, `metadata`,
 *   `prompt_cache_key`, `service_tier`, `prediction`) are dropped quietly.
 */
import { RejectedError } from '../../errors/index.ts';
import type { MessageCreateRequest } from '../anthropic/types.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import { toAnthropicConversation } from './openai-to-anthropic-messages.ts';
import { toAnthropicToolChoice, toAnthropicTools } from './tools.ts';
import { type Translated, type TranslationWarning, warnUntranslated } from './warnings.ts';

export interface OpenAIToAnthropicOptions {
  /** The target's model name (the tier's Claude model). */
  model: string;
  /** `max_tokens` to send when the OpenAI request set no limit; a positive integer. */
  defaultMaxTokens: number;
}

const ANTHROPIC_MAX_TEMPERATURE = 1;

const HANDLED: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_completion_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'n',
  'stop',
  'user',
  'safety_identifier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
]);

const HARMLESS: ReadonlySet<string> = new Set([
  'store',
  'metadata',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'prediction',
]);

const NO_COUNTERPART = 'has no Anthropic counterpart; not sent';

const REASONS: Readonly<Record<string, string>> = {
  seed: `deterministic sampling ${NO_COUNTERPART}`,
  logprobs: `log probabilities ${NO_COUNTERPART}`,
  top_logprobs: `log probabilities ${NO_COUNTERPART}`,
  presence_penalty: `presence_penalty ${NO_COUNTERPART}`,
  frequency_penalty: `frequency_penalty ${NO_COUNTERPART}`,
  logit_bias: `logit_bias ${NO_COUNTERPART}`,
  response_format: `a structured response_format ${NO_COUNTERPART}; the model is not constrained`,
  reasoning_effort: `reasoning_effort ${NO_COUNTERPART}; no extended thinking is requested`,
  functions: `the legacy functions ${NO_COUNTERPART} (use tools)`,
  function_call: `the legacy function_call ${NO_COUNTERPART} (use tool_choice)`,
  modalities: `audio output ${NO_COUNTERPART}`,
  audio: `audio output ${NO_COUNTERPART}`,
};

function isDefault(field: string, value: unknown): boolean {
  switch (field) {
    case 'presence_penalty':
    case 'frequency_penalty':
    case 'top_logprobs':
      return value === 0;
    case 'logprobs':
      return value === false;
    case 'logit_bias':
      return typeof value === 'object' && Object.keys(value as object).length === 0;
    case 'response_format':
      return (value as { type?: unknown }).type === 'text';
    case 'modalities':
      return Array.isArray(value) && value.every((m) => m === 'text');
    default:
      return false;
  }
}

function stopSequences(
  stop: string | string[] | null | undefined,
  warnings: TranslationWarning[],
): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  const all = typeof stop === 'string' ? [stop] : stop;
  const kept = all.filter((s) => s.trim() !== '');
  if (kept.length < all.length) {
    warnings.push({
      field: 'stop',
      reason: 'whitespace-only stop sequences are rejected by Anthropic; dropped',
    });
  }
  return kept.length ? kept : undefined;
}

/**
 * Translates `req` for the Anthropic model `options.model`. Throws `RejectedError('validation')`
 * naming `n` when more than one choice is asked for, and a `TypeError` for bad options.
 */
export function openaiToAnthropicRequest(
  req: ChatCompletionRequest,
  options: OpenAIToAnthropicOptions,
): Translated<MessageCreateRequest> {
  const { defaultMaxTokens } = options;
  if (!Number.isInteger(defaultMaxTokens) || defaultMaxTokens < 1) {
    throw new TypeError(
      `Expected \`defaultMaxTokens\` to be a positive integer, got ${String(defaultMaxTokens)}`,
    );
  }
  if (typeof req.n === 'number' && req.n > 1) {
    throw new RejectedError(
      'validation',
      `n = ${req.n} asks for ${req.n} choices, but the Anthropic target returns exactly one; send n = 1`,
      { param: 'n' },
    );
  }
  const warnings: TranslationWarning[] = [];
  const { system, messages } = toAnthropicConversation(req.messages, warnings);
  const out: MessageCreateRequest = {
    model: options.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? defaultMaxTokens,
    messages,
  };
  if (system !== undefined) out.system = system;
  if (typeof req.temperature === 'number') {
    out.temperature = Math.max(0, Math.min(req.temperature, ANTHROPIC_MAX_TEMPERATURE));
    if (out.temperature !== req.temperature) {
      warnings.push({
        field: 'temperature',
        reason: `${req.temperature} is outside Anthropic's 0–1; clamped to ${out.temperature}`,
      });
    }
  }
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  const stop = stopSequences(req.stop, warnings);
  if (stop) out.stop_sequences = stop;
  const { tools, toolChoice } = toAnthropicToolChoice(
    req.tool_choice,
    req.parallel_tool_calls,
    toAnthropicTools(req.tools, warnings),
    warnings,
  );
  if (tools) out.tools = tools;
  if (toolChoice) out.tool_choice = toolChoice;
  const userId = req.safety_identifier ?? req.user;
  if (typeof userId === 'string' && userId !== '') out.metadata = { user_id: userId };
  if (req.stream === true) out.stream = true;
  warnUntranslated(
    req,
    { handled: HANDLED, harmless: HARMLESS, isDefault, reasons: REASONS, fallback: NO_COUNTERPART },
    warnings,
  );
  return { request: out, warnings };
}
