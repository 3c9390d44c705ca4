/**
 * One problem found in a request before it is sent — where (`path`, in the providers' own style:
 * `messages.2.content.0.text`), what is wrong and how to fix it (`message`), and which rule found
 * it — and the error that carries all of them at once: a 400 in the caller's dialect whose message
 * lists every problem, with `param` the first one's path and `problems` the whole list.
 */
import { RejectedError } from '../errors/index.ts';

export type RequestPath = readonly (string | number)[];

export interface RequestIssue {
  /** The field at fault: `['messages', 2, 'content']`. */
  readonly path: RequestPath;
  /** What is wrong and the fix; quotes the path, never a value that may be prompt text. */
  readonly message: string;
  /** The rule that found it (`schema` for the request's shape; a semantic rule's id otherwise). */
  readonly rule: string;
}

/** `messages.2.content`: the providers' own style in `param`. */
export function formatRequestPath(path: RequestPath): string {
  return path.join('.');
}

/** The kind of a value, never the value itself (which may be prompt text). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a non-finite number';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fraction';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Every problem of a request: code `validation`, 400, nothing sent upstream. */
export function requestInvalid(issues: readonly RequestIssue[]): RejectedError {
  const first = issues[0];
  const message =
    issues.length === 1
      ? (first?.message ?? 'the request is invalid')
      : `${issues.length} problems in the request: ${issues.map((i, n) => `(${n + 1}) ${i.message}`).join('; ')}`;
  return new RejectedError('validation', message, {
    param: first && first.path.length > 0 ? formatRequestPath(first.path) : undefined,
    problems: issues.map((i) => ({ param: formatRequestPath(i.path), message: i.message })),
  });
}
