/**
 * The wire types of Anthropic Messages (`POST /v1/messages`): the request, the response, every
 * stream event and the error body, as anthropic-sdk-typescript declares them (provider-wire.md
 * §1, §4, §5). Objects keep an index signature because Anthropic adds fields (`cache_control`,
 * `container`, `service_tier`, …) and a passthrough must not drop them.
 */

export interface CacheControl {
  type: 'ephemeral';
  ttl?: '5m' | '1h';
  [key: string]: unknown;
}

// ---- content blocks ------------------------------------------------------------------------

export interface TextBlock {
  type: 'text';
  text: string;
  /** Present (possibly null) in responses; citation objects vary by source type. */
  citations?: unknown[] | null;
  cache_control?: CacheControl | null;
  [key: string]: unknown;
}

export interface Base64ImageSource {
  type: 'base64';
  media_type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp';
  data: string;
  [key: string]: unknown;
}

export interface UrlImageSource {
  type: 'url';
  url: string;
  [key: string]: unknown;
}

export interface FileImageSource {
  type: 'file';
  file_id: string;
  [key: string]: unknown;
}

export interface ImageBlock {
  type: 'image';
  source: Base64ImageSource | UrlImageSource | FileImageSource;
  cache_control?: CacheControl | null;
  [key: string]: unknown;
}

export interface DocumentBlock {
  type: 'document';
  /** base64 PDF, plain text, content blocks, URL PDF or file. */
  source: { type: string; [key: string]: unknown };
  title?: string | null;
  context?: string | null;
  citations?: { enabled?: boolean } | null;
  cache_control?: CacheControl | null;
  [key: string]: unknown;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  /** The parsed JSON object of arguments (streamed as `input_json_delta` fragments). */
  input: unknown;
  cache_control?: CacheControl | null;
  [key: string]: unknown;
}

export interface ToolResultBlock {
  type: 'tool_result';
  /** The `id` of the `tool_use` block in the previous assistant message. */
  tool_use_id: string;
  content?: string | Array<TextBlock | ImageBlock | DocumentBlock>;
  is_error?: boolean;
  cache_control?: CacheControl | null;
  [key: string]: unknown;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
  [key: string]: unknown;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
  [key: string]: unknown;
}

export interface ServerToolUseBlock {
  type: 'server_tool_use';
  id: string;
  name: string;
  input: unknown;
  [key: string]: unknown;
}

export interface WebSearchToolResultBlock {
  type: 'web_search_tool_result';
  tool_use_id: string;
  content: unknown;
  [key: string]: unknown;
}

/** A block the model produces (response `content`, `content_block_start`). */
export type ContentBlock =
  | TextBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | ToolUseBlock
  | ServerToolUseBlock
  | WebSearchToolResultBlock;

/** A block a request may carry in `messages[].content`. */
export type ContentBlockParam = ContentBlock | ImageBlock | DocumentBlock | ToolResultBlock;

// ---- request -------------------------------------------------------------------------------

export interface MessageParam {
  /** `system` (mid-conversation system blocks) is accepted by newer models only. */
  role: 'user' | 'assistant' | 'system';
  /** A string is shorthand for one text block. */
  content: string | ContentBlockParam[];
  [key: string]: unknown;
}

export interface AnthropicTool {
  name: string;
  description?: string;
  /** A JSON Schema object with `type: 'object'`. */
  input_schema: { type: 'object'; [key: string]: unknown };
  cache_control?: CacheControl | null;
  /** Server tools (`web_search_20250305`, …) carry a `type`; custom tools may omit it. */
  type?: string;
  [key: string]: unknown;
}

export type AnthropicToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export type ThinkingConfig =
  | { type: 'enabled'; budget_tokens: number; [key: string]: unknown }
  | { type: 'disabled' }
  | { type: 'adaptive'; [key: string]: unknown };

export interface MessageCreateRequest {
  model: string;
  messages: MessageParam[];
  /** Required; 0 pre-warms the prompt cache without generating. */
  max_tokens: number;
  /** There is no `system` role in `messages` (older models): the prompt goes here. */
  system?: string | TextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stream?: boolean;
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  thinking?: ThinkingConfig;
  metadata?: { user_id?: string | null; [key: string]: unknown };
  service_tier?: 'auto' | 'standard_only';
  [key: string]: unknown;
}

// ---- response ------------------------------------------------------------------------------

export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface AnthropicUsage {
  /** Input tokens after the last cache breakpoint: cache reads and writes are NOT included. */
  input_tokens: number;
  /** Generated tokens, thinking included. */
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  server_tool_use?: { web_search_requests?: number; [key: string]: unknown } | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  /** Null only in `message_start`; set by `message_delta`. */
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
  [key: string]: unknown;
}

// ---- streaming -----------------------------------------------------------------------------

export interface TextDelta {
  type: 'text_delta';
  text: string;
  [key: string]: unknown;
}
export interface InputJsonDelta {
  type: 'input_json_delta';
  /** A fragment of the tool `input` JSON; the first is often empty. */
  partial_json: string;
  [key: string]: unknown;
}
export interface ThinkingDelta {
  type: 'thinking_delta';
  thinking: string;
  [key: string]: unknown;
}
export interface SignatureDelta {
  type: 'signature_delta';
  signature: string;
  [key: string]: unknown;
}
export interface CitationsDelta {
  type: 'citations_delta';
  citation: unknown;
  [key: string]: unknown;
}

export type ContentBlockDelta =
  | TextDelta
  | InputJsonDelta
  | ThinkingDelta
  | SignatureDelta
  | CitationsDelta;

export interface MessageStartEvent {
  type: 'message_start';
  message: AnthropicMessage;
  [key: string]: unknown;
}

export interface ContentBlockStartEvent {
  type: 'content_block_start';
  /** The block's position in the final `content`. */
  index: number;
  content_block: ContentBlock;
  [key: string]: unknown;
}

export interface ContentBlockDeltaEvent {
  type: 'content_block_delta';
  index: number;
  delta: ContentBlockDelta;
  [key: string]: unknown;
}

export interface ContentBlockStopEvent {
  type: 'content_block_stop';
  index: number;
  [key: string]: unknown;
}

/** Cumulative totals so far; any field may be null (then the earlier value stands). */
export interface MessageDeltaUsage {
  output_tokens: number;
  input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  server_tool_use?: { web_search_requests?: number; [key: string]: unknown } | null;
  [key: string]: unknown;
}

export interface MessageDeltaEvent {
  type: 'message_delta';
  delta: { stop_reason: StopReason | null; stop_sequence: string | null; [key: string]: unknown };
  usage: MessageDeltaUsage;
  [key: string]: unknown;
}

export interface MessageStopEvent {
  type: 'message_stop';
  [key: string]: unknown;
}

export interface PingEvent {
  type: 'ping';
  [key: string]: unknown;
}

export interface ErrorEvent {
  type: 'error';
  error: AnthropicErrorObject;
  [key: string]: unknown;
}

export type AnthropicStreamEvent =
  | MessageStartEvent
  | ContentBlockStartEvent
  | ContentBlockDeltaEvent
  | ContentBlockStopEvent
  | MessageDeltaEvent
  | MessageStopEvent
  | PingEvent
  | ErrorEvent;

export type AnthropicStreamEventType = AnthropicStreamEvent['type'];

// ---- errors --------------------------------------------------------------------------------

export interface AnthropicErrorObject {
  /** e.g. `invalid_request_error`, `rate_limit_error`, `overloaded_error`; may grow over time. */
  type: string;
  message: string;
  /** The spend-cap 429 carries `{ error_code: 'enforced_spend_limit_reached' }`. */
  details?: { error_code?: string; [key: string]: unknown } | null;
  [key: string]: unknown;
}

/** The error envelope; `request_id` is absent from a mid-stream error event. */
export interface AnthropicErrorBody {
  type: 'error';
  error: AnthropicErrorObject;
  request_id?: string;
  [key: string]: unknown;
}
