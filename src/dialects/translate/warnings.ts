/**
 * What a translation could not carry across. A request translated to the other dialect may lose
 * parameters that have no counterpart there (OpenAI `seed`, Anthropic `top_k`, …). Losing one
 * silently would change the answer behind the caller's back, so every translator returns the
 * losses as warnings beside the request, and the engine decides whether to send it anyway, skip
 * the tier, or fail.
 */

export interface TranslationWarning {
  /** The source request's field, as a path: `seed`, `messages[3].content[1]`, `tools[2]`. */
  field: string;
  /** What happened to the field, and why. */
  reason: string;
}

/** A translated request and what was lost or changed on the way. */
export interface Translated<T> {
  request: T;
  warnings: TranslationWarning[];
}

/**
 * Warns about every top-level field of `request` that is set but was neither translated
 * (`handled`) nor known to leave the answer unchanged (`harmless`). `isDefault` lets a field set
 * to its no-op value pass quietly (`presence_penalty: 0`); `reasons` names the loss for the
 * fields we know; others get `fallback`.
 */
export function warnUntranslated(
  request: Record<string, unknown>,
  rules: {
    handled: ReadonlySet<string>;
    harmless: ReadonlySet<string>;
    isDefault: (field: string, value: unknown) => boolean;
    reasons: Readonly<Record<string, string>>;
    fallback: string;
  },
  warnings: TranslationWarning[],
): void {
  for (const field of Object.keys(request)) {
    if (rules.handled.has(field) || rules.harmless.has(field)) continue;
    const value = request[field];
    if (value === undefined || value === null || rules.isDefault(field, value)) continue;
    warnings.push({ field, reason: rules.reasons[field] ?? rules.fallback });
  }
}
