/**
 * A semantic rule: what a request's schema cannot say — a field required only beside another, a
 * tool result that must answer a call made before it, a role the provider does not know. Each
 * rule has an id (in every problem it reports, and in the table-driven test that holds a failing
 * example of each), the dialect it applies to, and whether breaking it is an error (a 400 listing
 * every problem) or a warning (the request goes on; the warning is logged and counted).
 *
 * Rules read the body as it came (after the schema, but whatever the schema found): each checks
 * the types it relies on, so every rule runs on every request and one answer lists every problem.
 */
import type { DialectName } from '../dialects/dialect-name.ts';
import type { RequestPath } from './request-issue.ts';

export type Json = Record<string, unknown>;

/** Records one problem at `path` (the message reads after the quoted path, or whole if `own`). */
export type Report = (path: RequestPath, message: string) => void;

export interface RequestRule {
  readonly id: string;
  readonly dialect: DialectName | 'both';
  readonly severity: 'error' | 'warning';
  /** One line: what the rule asks, for docs and tests. */
  readonly summary: string;
  check(body: Json, report: Report): void;
}

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NONE: readonly unknown[] = Object.freeze([]);

/** `body.messages` when it is a list, else an empty one (rules loop over it without allocating). */
export function messagesOf(body: Json): readonly unknown[] {
  return Array.isArray(body.messages) ? body.messages : NONE;
}

/** `"call_1"` for an id or a role worth quoting; nothing for long or odd text (it may be a prompt). */
export function quote(value: unknown): string {
  return typeof value === 'string' && value.length <= 64 && /^[\w.:@/-]+$/.test(value)
    ? JSON.stringify(value)
    : 'it';
}
