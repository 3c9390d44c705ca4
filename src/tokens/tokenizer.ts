/**
 * The extension point for counting tokens (STYLE.md §2): a name, whether the count is the
 * provider's own or an estimate, and a count of plain text. Chat framing (per-message overhead,
 * tool definitions, reply priming) is the dialect's business and lives beside each dialect's
 * counter, so one tokenizer serves every request shape.
 */

export interface Tokenizer {
  /** The encoding or method, e.g. `o200k_base`, `cl100k_base`, `claude-estimate`. */
  readonly name: string;
  /** `true` when counts are the provider's own (its published BPE); `false` for an estimate. */
  readonly exact: boolean;
  /** Tokens in `text` with no framing. Special-token text (`<|endoftext|>`) counts as plain text. */
  count(text: string): number;
}
