/**
 * `ConfigError`, raised when a config breaks the rules, with what it carries: `ConfigPath` (a
 * location in the config tree), `ConfigIssue` (one problem at one path) and `formatPath`.
 *
 * This is the leaf of the config modules (it imports only the error hierarchy), so that
 * interpolation, resolution and loading can all raise it without importing one another in a cycle.
 */
import { RejectedError } from '../errors/index.ts';

/** A location in the config tree: `['routes', 'chat', 'tiers', 1]`. */
export type ConfigPath = readonly (string | number)[];

export interface ConfigIssue {
  readonly path: ConfigPath;
  /** What is wrong and how to fix it; never contains a key. */
  readonly message: string;
  /** 1-based, when the config came from a file. */
  readonly line?: number;
  readonly column?: number;
}

/** `routes.chat.tiers[1]`; names that are not plain words are quoted: `routes["openai/gpt-4o"]`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function renderIssue(issue: ConfigIssue, file: string | undefined): string {
  let where = file ?? '';
  if (file && issue.line !== undefined) where += `:${issue.line}:${issue.column ?? 1}`;
  const path = formatPath(issue.path);
  return [where, path, issue.message].filter(Boolean).join(': ');
}

/**
 * A config that cannot be used: code `validation`, with every problem found (not just the first)
 * in `issues`, each naming its path. `param` is the first issue's path.
 */
export class ConfigError extends RejectedError {
  readonly issues: readonly ConfigIssue[];
  /** The file the config came from, when it came from one. */
  readonly file: string | undefined;

  constructor(issues: ConfigIssue | readonly ConfigIssue[], file?: string, cause?: unknown) {
    const list = Object.freeze(Array.isArray(issues) ? [...issues] : [issues as ConfigIssue]);
    const lines = list.map((issue) => renderIssue(issue, file));
    const message =
      lines.length === 1
        ? (lines[0] ?? '')
        : `${lines.length} problems in the config:\n  ${lines.join('\n  ')}`;
    super('validation', message, {
      param: list[0] ? formatPath(list[0].path) || undefined : undefined,
      hint: 'Fix the option the message names; docs/config.md lists every option.',
      cause,
    });
    this.name = 'ConfigError';
    this.issues = list;
    this.file = file;
  }

  /** The same problems, told as coming from `file` (with line and column where known). */
  withFile(
    file: string,
    locate?: (path: ConfigPath) => { line: number; column: number } | undefined,
  ): ConfigError {
    const issues = this.issues.map((issue) =>
      issue.line === undefined && locate ? { ...issue, ...locate(issue.path) } : issue,
    );
    return new ConfigError(issues, file, this.cause);
  }
}
