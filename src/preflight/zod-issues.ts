/**
 * zod's issues worded for the person who sent the request: the path in the providers' style, what
 * was expected (the phrase the schema carries, schema-kit.ts), what came instead — its kind, never
 * its text, which may be a prompt — and, for a required field, what to put there.
 */
import type { core } from 'zod';
import { formatRequestPath, kindOf, type RequestIssue } from './request-issue.ts';
import { AFTER_PATH, isRequired } from './schema-kit.ts';

function shown(value: unknown): string {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return kindOf(value);
}

function word(issue: core.$ZodIssue, forbidNull: boolean): string {
  const path = formatRequestPath(issue.path as (string | number)[]);
  const quoted = path ? `\`${path}\`` : 'the request body';
  if (issue.message.startsWith(AFTER_PATH)) return `${quoted} ${issue.message.slice(1)}`;
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_type' && input === undefined) {
    return `${quoted} ${isRequired(String(issue.path.at(-1) ?? ''))}`;
  }
  if (input === null && forbidNull) return `${quoted} must not be null: leave it out`;
  return `${quoted} must be ${issue.message}, got ${shown(input)}`;
}

/** zod's issues for one request, as `RequestIssue`s. */
export function requestIssues(
  issues: readonly core.$ZodIssue[],
  forbidNull: boolean,
): RequestIssue[] {
  return issues.map((issue) => ({
    path: issue.path as (string | number)[],
    message: word(issue, forbidNull),
    rule: 'schema',
  }));
}
