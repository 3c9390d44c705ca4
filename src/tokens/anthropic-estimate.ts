/**
 * An offline estimate of a Claude prompt's input tokens. Anthropic publishes no tokenizer for
 * Claude 3 and later (provider-wire.md §7), so the estimate is calibrated on what it does publish:
 *
 * - Text: o200k_base tokens × 1.15. Anthropic's own guidance is that tiktoken "undercounts
 *   Claude tokens by ~15–20% on typical text, and by much more on code or non-English input";
 *   1.15 reproduces its documented `count_tokens` example exactly (14 tokens).
 * - The tokenizer of Claude Opus 4.7 and later (Opus 4.7+, Sonnet 5, Fable 5, Mythos 5) yields
 *   "approximately 30% more tokens" (Anthropic; 1.0–1.35× in its migration guide). Public
 *   count_tokens probes show the increase lands on Latin-script text (≈1.45× for English and
 *   German prose, 1.13–1.33× for code) while CJK, Cyrillic and Arabic text is unchanged, so the
 *   extra factor is applied per text by its share of Latin letters and how code-like it is.
 * - Framing: 3 tokens per request and 3 per message, fitted to the same example.
 * - Tools: Anthropic's documented tool-use system prompt (346 tokens with tool_choice auto or
 *   none, 313 with any or a named tool, Claude 4 family) plus each definition's JSON at 0.69 of
 *   its text estimate (definitions are rendered more compactly than JSON), fitted to the
 *   documented tool example (403 tokens).
 * - Images ~1,600 tokens (a full-size image; Anthropic's rule is width×height/750), PDFs ~1,500
 *   tokens per 50 KB; thinking blocks of earlier assistant turns are not counted (documented).
 *
 * Its measured error is in docs/limits.md (bench/goodput prints it with the rest): it is exact on
 * the two examples it was fitted to and low on a held-out extended-thinking example, whose
 * request carries framing the estimate does not model. In the limiter the estimate is only a
 * starting point: `PromptCalibration` rescales it per target from the `input_tokens` each answer
 * reports, and `anthropic-count-tokens.ts` asks the provider when exactness is worth a call.
 */
import { openaiTokenizer } from './openai-encoding.ts';
import type { Tokenizer } from './tokenizer.ts';

type Json = Record<string, unknown>;

export const CLAUDE_TEXT_RATIO = 1.15;
const PER_REQUEST = 3;
const PER_MESSAGE = 3;
const PER_BLOCK = 3;
const TOOL_JSON_SHARE = 0.69;
const TOOL_PROMPT_AUTO = 346;
const TOOL_PROMPT_FORCED = 313;
const IMAGE = 1600;
const PDF_PER_BYTE = 1500 / 50_000;
const PDF_MIN = 1500;
/** The Opus 4.7 tokenizer's increase on Latin-script prose and on code (public probes). */
const NEW_PROSE = 1.45;
const NEW_CODE = 1.2;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Models on the tokenizer introduced with Claude Opus 4.7. */
export function usesNewClaudeTokenizer(model: string): boolean {
  const m = /^claude-(opus|sonnet|haiku|fable|mythos)-(\d+)(?:-(\d+))?/.exec(model.toLowerCase());
  if (!m) return false;
  const major = Number(m[2]);
  const minor = m[3] !== undefined && m[3].length <= 2 ? Number(m[3]) : 0;
  if (major >= 5) return true;
  return m[1] === 'opus' && major === 4 && minor >= 7;
}

/** How much more the Opus 4.7 tokenizer counts for `text` than the earlier one. */
export function newTokenizerRatio(text: string): number {
  let latin = 0;
  let other = 0;
  let symbols = 0;
  for (const ch of text) {
    if (/[A-Za-z\u00C0-\u024F]/.test(ch)) latin++;
    else if (/\p{L}/u.test(ch)) other++;
    else if (/[{}()[\];=<>]/.test(ch)) symbols++;
  }
  const letters = latin + other;
  if (letters === 0) return 1;
  const latinRatio = symbols / text.length > 0.04 ? NEW_CODE : NEW_PROSE;
  return (latin * latinRatio + other) / letters;
}

class Estimate {
  tokens = PER_REQUEST;
  readonly #t: Tokenizer;
  readonly #newTokenizer: boolean;

  constructor(tokenizer: Tokenizer, newTokenizer: boolean) {
    this.#t = tokenizer;
    this.#newTokenizer = newTokenizer;
  }

  text(text: string, share = 1): void {
    if (!text) return;
    const ratio = this.#newTokenizer ? newTokenizerRatio(text) : 1;
    this.tokens += this.#t.count(text) * CLAUDE_TEXT_RATIO * ratio * share;
  }

  content(content: unknown, current: boolean): void {
    if (typeof content === 'string') this.text(content);
    else if (Array.isArray(content)) for (const block of content) this.block(block, current);
  }

  block(block: unknown, current: boolean): void {
    if (!isObject(block)) return;
    switch (block.type) {
      case 'text':
        this.text(String(block.text ?? ''));
        break;
      case 'image':
        this.tokens += IMAGE;
        break;
      case 'document':
        this.document(block);
        break;
      case 'tool_use':
      case 'server_tool_use':
        this.tokens += PER_BLOCK;
        this.text(String(block.name ?? ''));
        this.text(JSON.stringify(block.input ?? {}));
        break;
      case 'tool_result':
        this.tokens += PER_BLOCK;
        this.content(block.content, current);
        break;
      case 'thinking':
        // Thinking of earlier turns is dropped by the API; the turn being continued counts.
        if (current) this.text(String(block.thinking ?? ''));
        break;
      case 'redacted_thinking':
        break;
      default:
        this.text(JSON.stringify(block));
    }
  }

  document(block: Json): void {
    const source = isObject(block.source) ? block.source : {};
    if (source.type === 'text') this.text(String(source.data ?? ''));
    else if (source.type === 'content') this.content(source.content, false);
    else {
      const bytes = typeof source.data === 'string' ? (source.data.length * 3) / 4 : 0;
      this.tokens += Math.max(PDF_MIN, bytes * PDF_PER_BYTE);
    }
  }

  tools(tools: unknown, choice: unknown): void {
    if (!Array.isArray(tools) || tools.length === 0) return;
    const forced = isObject(choice) && (choice.type === 'any' || choice.type === 'tool');
    this.tokens += forced ? TOOL_PROMPT_FORCED : TOOL_PROMPT_AUTO;
    for (const tool of tools) this.text(JSON.stringify(tool), TOOL_JSON_SHARE);
  }
}

/**
 * Estimated input tokens of an Anthropic Messages request. `model` (default: the body's own)
 * picks the tokenizer generation; `tokenizer` replaces the o200k_base base count.
 */
export function estimateAnthropicPrompt(
  request: Json,
  options: { model?: string; tokenizer?: Tokenizer } = {},
): number {
  const model = options.model ?? (typeof request.model === 'string' ? request.model : '');
  const estimate = new Estimate(
    options.tokenizer ?? openaiTokenizer('o200k_base'),
    usesNewClaudeTokenizer(model),
  );
  estimate.content(request.system, false);
  const messages = Array.isArray(request.messages) ? request.messages : [];
  messages.forEach((message, i) => {
    estimate.tokens += PER_MESSAGE;
    if (!isObject(message)) return;
    const current = i === messages.length - 1 && message.role === 'assistant';
    estimate.content(message.content, current);
  });
  estimate.tools(request.tools, request.tool_choice);
  return Math.round(estimate.tokens);
}
