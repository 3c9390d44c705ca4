/**
 * zod's issues for a config, as the `ConfigIssue`s `ConfigError` lists: the schema's hooks
 * (config-fields.ts) already wrote each message; this splits an unknown-keys issue into one per
 * key with the closest allowed name, and reads through a union to the branch the value was meant
 * for ("expected a string" at `apiKey[1]`, not "expected a key or a list" at `apiKey`).
 */
import type { z } from 'zod';
import { closest } from '../core/closest.ts';
import type { ConfigIssue, ConfigPath } from './config-error.ts';
import { ALLOWED } from './config-fields.ts';

type Issue = z.core.$ZodIssue;

function unknownKeys(issue: Issue & { keys: string[] }, path: ConfigPath): ConfigIssue[] {
  const allowed = issue.message.startsWith(ALLOWED)
    ? issue.message.slice(ALLOWED.length).split(',')
    : [];
  return issue.keys.map((key) => {
    const guess = closest(key, allowed);
    return {
      path: [...path, key],
      message: `unknown option "${key}"${guess ? ` — did you mean "${guess}"?` : ''} (allowed here: ${allowed.join(', ')})`,
    };
  });
}

/** The one branch of a union whose problems lie inside the value, if there is exactly one. */
function meantBranch(branches: Issue[][]): Issue[] | undefined {
  const inside = branches.filter((issues) => issues.every((i) => i.path.length > 0));
  return inside.length === 1 ? inside[0] : undefined;
}

function convert(issue: Issue, prefix: ConfigPath): ConfigIssue[] {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') return unknownKeys(issue, path);
  if (issue.code === 'invalid_union' && 'errors' in issue) {
    const branch = meantBranch(issue.errors as Issue[][]);
    if (branch) return branch.flatMap((inner) => convert(inner, path));
  }
  if (issue.code === 'invalid_key' && 'issues' in issue) {
    return (issue.issues as Issue[]).flatMap((inner) => convert(inner, path));
  }
  return [{ path, message: issue.message }];
}

export function configIssues(issues: readonly Issue[], prefix: ConfigPath = []): ConfigIssue[] {
  return issues.flatMap((issue) => convert(issue, prefix));
}
