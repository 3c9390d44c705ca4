/**
 * An Anthropic Messages request → an OpenAI Chat Completions request, for an Anthropic-dialect
 * caller routed to a GPT tier. Messages, system prompt and tools: see
 * anthropic-to-openai-messages.ts and tools.ts. The parameters:
 *
 * - `max_tokens` → `max_completion_tokens` (`max_tokens` is deprecated and rejected by o-series
 *   and GPT-5 models).
 * - `temperature` (0–1) and `top_p` cross unchanged; 0–1 is inside OpenAI's 0–2.
 * - `stop_sequences` → `stop`; OpenAI takes at most 4, so further ones are dropped with a warning.
 * - `metadata.user_id` → `user`.
 * - `stream: true` also sets `stream_options.include_usage`, because an Anthropic stream always
 *   reports usage and OpenAI only does when asked.
 * - `top_k`, extended `thinking` and other fields with no counterpart are not sent and come back
 *   as warnings; `service_tier`, `cache_control` and `inference_geo` only change billing,
 *   caching or placement and are dropped quietly.
 */
import type { MessageCreateRequest } from '../anthropic/types.ts';
import type { ChatCompletionRequest } from '../openai/types.ts';
import { toOpenAIMessages } from './anthropic-to-openai-messages.ts';
import { toOpenAIToolChoice, toOpenAITools } from './tools.ts';
import { type Translated, type TranslationWarning, warnUntranslated } from './warnings.ts';

export interface AnthropicToOpenAIOptions {
  /** The target's model name (the tier's GPT model). */
  model: string;
  /**
   * The role that carries the system prompt: `developer` is what o1 and newer models expect,
   * though OpenAI still accepts `system` for them.
   * @default 'system'
   */
  systemRole?: 'system' | 'developer';
}

const OPENAI_MAX_STOP_SEQUENCES = 4;

const HANDLED: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'system',
  'max_tokens',
  'temperature',
  'top_p',
  'stop_sequences',
  'stream',
  'tools',
  'tool_choice',
  'metadata',
]);

const HARMLESS: ReadonlySet<string> = new Set(['service_tier', 'cache_control', 'inference_geo']);

const NO_COUNTERPART = 'has no OpenAI counterpart; not sent';

const REASONS: Readonly<Record<string, string>> = {
  top_k: `top_k sampling ${NO_COUNTERPART}`,
  thinking: `extended thinking ${NO_COUNTERPART}; the model answers without it`,
  output_config: `output_config (effort, structured format) ${NO_COUNTERPART}`,
  mcp_servers: `MCP servers ${NO_COUNTERPART}`,
  container: `a code-execution container ${NO_COUNTERPART}`,
  context_management: `context management ${NO_COUNTERPART}`,
};

function isDefault(field: string, value: unknown): boolean {
  return field === 'thinking' && (value as { type?: unknown }).type === 'disabled';
}

/** Translates `req` for the OpenAI model `options.model`. */
export function anthropicToOpenAIRequest(
  req: MessageCreateRequest,
  options: AnthropicToOpenAIOptions,
): Translated<ChatCompletionRequest> {
  const warnings: TranslationWarning[] = [];
  const messages = toOpenAIMessages(req, options.systemRole ?? 'system', warnings);
  const out: ChatCompletionRequest = {
    model: options.model,
    messages,
    max_completion_tokens: req.max_tokens,
  };
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (req.stop_sequences?.length) {
    out.stop = req.stop_sequences.slice(0, OPENAI_MAX_STOP_SEQUENCES);
    if (req.stop_sequences.length > OPENAI_MAX_STOP_SEQUENCES) {
      warnings.push({
        field: 'stop_sequences',
        reason: `OpenAI accepts at most ${OPENAI_MAX_STOP_SEQUENCES} stop sequences; the other ${req.stop_sequences.length - OPENAI_MAX_STOP_SEQUENCES} were dropped`,
      });
    }
  }
  const tools = toOpenAITools(req.tools, warnings);
  if (tools) {
    out.tools = tools;
    const { toolChoice, parallelToolCalls } = toOpenAIToolChoice(req.tool_choice);
    if (toolChoice !== undefined) out.tool_choice = toolChoice;
    if (parallelToolCalls !== undefined) out.parallel_tool_calls = parallelToolCalls;
  }
  const userId = req.metadata?.user_id;
  if (typeof userId === 'string' && userId !== '') out.user = userId;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  warnUntranslated(
    req,
    { handled: HANDLED, harmless: HARMLESS, isDefault, reasons: REASONS, fallback: NO_COUNTERPART },
    warnings,
  );
  return { request: out, warnings };
}
