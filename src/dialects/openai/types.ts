/**
 * The wire types of OpenAI Chat Completions (`POST /v1/chat/completions`): the request, the
 * response, the streamed chunk and the error body, as the openai-node SDK declares them
 * (provider-wire.md §1, §4, §5). Objects keep an index signature because OpenAI adds fields
 * without notice and a passthrough must not drop them.
 */

// ---- content parts -------------------------------------------------------------------------

export interface ChatTextPart {
  type: 'text';
  text: string;
  [key: string]: unknown;
}

export interface ChatImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high'; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatAudioPart {
  type: 'input_audio';
  input_audio: { data: string; format: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatFilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatRefusalPart {
  type: 'refusal';
  refusal: string;
  [key: string]: unknown;
}

export type ChatUserContentPart = ChatTextPart | ChatImagePart | ChatAudioPart | ChatFilePart;

// ---- tools ---------------------------------------------------------------------------------

export interface ChatFunctionTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    /** A JSON Schema object. */
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface ChatCustomTool {
  type: 'custom';
  custom: { name: string; description?: string; format?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

export type ChatTool = ChatFunctionTool | ChatCustomTool;

export type ChatToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function'; function: { name: string } }
  | { type: 'custom'; custom: { name: string } }
  | { type: 'allowed_tools'; allowed_tools: { mode: 'auto' | 'required'; tools: unknown[] } };

export interface ChatFunctionToolCall {
  id: string;
  type: 'function';
  /** `arguments` is a JSON string, exactly as the model produced it (it may be invalid JSON). */
  function: { name: string; arguments: string };
  [key: string]: unknown;
}

export interface ChatCustomToolCall {
  id: string;
  type: 'custom';
  custom: { name: string; input: string };
  [key: string]: unknown;
}

export type ChatToolCall = ChatFunctionToolCall | ChatCustomToolCall;

// ---- messages ------------------------------------------------------------------------------

/** `developer` replaces `system` for o1 and newer models; both carry the system prompt. */
export interface ChatSystemMessage {
  role: 'system' | 'developer';
  content: string | ChatTextPart[];
  name?: string;
  [key: string]: unknown;
}

export interface ChatUserMessage {
  role: 'user';
  content: string | ChatUserContentPart[];
  name?: string;
  [key: string]: unknown;
}

export interface ChatAssistantMessage {
  role: 'assistant';
  /** May be null (or absent) when the message carries `tool_calls`. */
  content?: string | Array<ChatTextPart | ChatRefusalPart> | null;
  refusal?: string | null;
  tool_calls?: ChatToolCall[];
  /** @deprecated replaced by `tool_calls` */
  function_call?: { name: string; arguments: string } | null;
  name?: string;
  [key: string]: unknown;
}

export interface ChatToolMessage {
  role: 'tool';
  content: string | ChatTextPart[];
  /** The `id` of the assistant's tool call this answers. */
  tool_call_id: string;
  [key: string]: unknown;
}

/** @deprecated the pre-tools function-calling result message */
export interface ChatFunctionMessage {
  role: 'function';
  content: string | null;
  name: string;
  [key: string]: unknown;
}

export type ChatMessage =
  | ChatSystemMessage
  | ChatUserMessage
  | ChatAssistantMessage
  | ChatToolMessage
  | ChatFunctionMessage;

// ---- request -------------------------------------------------------------------------------

export interface ChatStreamOptions {
  /** Adds a final chunk with `choices: []` and the totals in `usage`, just before `[DONE]`. */
  include_usage?: boolean;
  /** On by default; adds random padding (`obfuscation`) to deltas. */
  include_obfuscation?: boolean;
  [key: string]: unknown;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean | null;
  /** Only valid with `stream: true`. */
  stream_options?: ChatStreamOptions | null;
  /** Upper bound on generated tokens, reasoning included. */
  max_completion_tokens?: number | null;
  /** @deprecated rejected by o-series and GPT-5 models; use `max_completion_tokens` */
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  n?: number | null;
  stop?: string | string[] | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  seed?: number | null;
  user?: string;
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: { type: string; [key: string]: unknown };
  reasoning_effort?: string | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

// ---- response ------------------------------------------------------------------------------

export type ChatFinishReason =
  | 'stop'
  | 'length'
  | 'tool_calls'
  | 'content_filter'
  | 'function_call';

export interface OpenAIUsage {
  /** The whole prompt, cached tokens included. */
  prompt_tokens: number;
  /** Generated tokens, reasoning tokens included. */
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: {
    cached_tokens?: number;
    audio_tokens?: number;
    [key: string]: unknown;
  } | null;
  completion_tokens_details?: {
    reasoning_tokens?: number;
    audio_tokens?: number;
    accepted_prediction_tokens?: number;
    rejected_prediction_tokens?: number;
    [key: string]: unknown;
  } | null;
  [key: string]: unknown;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCall[];
  /** @deprecated replaced by `tool_calls` */
  function_call?: { name: string; arguments: string } | null;
  annotations?: unknown[];
  [key: string]: unknown;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  /** Always set by the API; `null` only in a completion folded from an interrupted stream. */
  finish_reason: ChatFinishReason | null;
  logprobs?: unknown;
  [key: string]: unknown;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  /** Unix seconds. */
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage?: OpenAIUsage;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  [key: string]: unknown;
}

// ---- streaming -----------------------------------------------------------------------------

export interface ChatToolCallDelta {
  /** Which tool call of the choice this fragment belongs to; always present. */
  index: number;
  /** Sent with the first fragment only, like `type` and the function `name`. */
  id?: string;
  type?: 'function' | 'custom';
  function?: { name?: string; arguments?: string; [key: string]: unknown };
  custom?: { name?: string; input?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface ChatCompletionDelta {
  role?: 'assistant' | 'developer' | 'system' | 'user' | 'tool';
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallDelta[];
  /** @deprecated replaced by `tool_calls` */
  function_call?: { name?: string; arguments?: string };
  [key: string]: unknown;
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  finish_reason: ChatFinishReason | null;
  logprobs?: unknown;
  [key: string]: unknown;
}

export interface ChatCompletionChunk {
  /** The same in every chunk of one stream. */
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  /** Empty in the final usage chunk. */
  choices: ChatCompletionChunkChoice[];
  /** Null in every chunk but the last when `stream_options.include_usage` is set. */
  usage?: OpenAIUsage | null;
  system_fingerprint?: string | null;
  service_tier?: string | null;
  obfuscation?: string;
  [key: string]: unknown;
}

// ---- errors --------------------------------------------------------------------------------

export interface OpenAIErrorObject {
  message: string;
  /** e.g. `invalid_request_error`, `server_error`, or `tokens` / `requests` on a 429. */
  type: string | null;
  param: string | null;
  /** e.g. `rate_limit_exceeded`, `insufficient_quota`, `context_length_exceeded`. */
  code: string | null;
  [key: string]: unknown;
}

/** The error envelope; also the data of a mid-stream error frame. */
export interface OpenAIErrorBody {
  error: OpenAIErrorObject;
  /** Seen on some 401s; not in the spec. */
  status?: number;
  [key: string]: unknown;
}
