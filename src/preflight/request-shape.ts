/**
 * The checks a request passes before the engine routes it, on every entry path (gateway and
 * client.fetch alike): the dialect's schema (openai-request-schema.ts, anthropic-request-schema.ts:
 * every field the engine, its translators or the provider read has the provider's type), then the
 * semantic rules (common-, openai-, anthropic-rules.ts). Every problem is collected, so a request
 * with three mistakes gets one 400 naming all three, each with its path and fix, in the caller's
 * dialect; nothing is sent upstream. Warnings (rules the provider now only warns about) go back to
 * the caller, which logs and counts them.
 *
 * zod is the one schema library for every input breakwater reads — config, client keys, scenarios
 * and both dialects' requests: one definition gives the types, the checks with their paths, and
 * the JSON Schema editors read. Its validators are compiled once here (`z.compile`, zod's
 * ahead-of-time fast path); a body is checked once (the gateway hands its result to the engine).
 *
 * Before the schema, one bound: JSON nested deeper than any real request is refused, so no
 * recursive reader (the schema's included) can be made to exhaust the stack.
 */
import { z } from 'zod';
import type { DialectName } from '../dialects/dialect-name.ts';
import { AnthropicRequest } from './anthropic-request-schema.ts';
import { ANTHROPIC_RULES } from './anthropic-rules.ts';
import { COMMON_RULES } from './common-rules.ts';
import { OpenAIRequest } from './openai-request-schema.ts';
import { OPENAI_RULES } from './openai-rules.ts';
import {
  formatRequestPath,
  type RequestIssue,
  type RequestPath,
  requestInvalid,
} from './request-issue.ts';
import type { RequestRule } from './rule.ts';
import { requestIssues } from './zod-issues.ts';

/** Deeper than any real request (tool schemas included); bounds every recursive reader. */
export const MAX_DEPTH = 64;

export type Endpoint = 'chat' | 'messages' | 'count_tokens';

export interface ShapeCheck {
  /** Rules the request breaks that the provider tolerates: log and count them. */
  readonly warnings: readonly RequestIssue[];
}

/**
 * A request schema compiled in two parts: the fields most requests carry, checked always, and the
 * rest, checked only when the body has one of them. zod's compiled parser spends a little for each
 * field it declares, present or not; a plain chat request names three or four of the twenty-odd.
 */
class CompiledRequest {
  readonly #common: z.ZodType;
  readonly #rare: z.ZodType;
  readonly #rareKeys: ReadonlySet<string>;

  constructor(schema: z.ZodObject, common: readonly string[]) {
    const fields = Object.entries(schema.shape as Record<string, z.ZodType>);
    const part = (keep: (key: string) => boolean) =>
      z.compile(z.looseObject(Object.fromEntries(fields.filter(([key]) => keep(key)))));
    this.#common = part((key) => common.includes(key));
    this.#rare = part((key) => !common.includes(key));
    this.#rareKeys = new Set(fields.map(([key]) => key).filter((key) => !common.includes(key)));
  }

  /**
   * zod's issues for `body`, or `undefined` when it is valid. Asked first through `validate`,
   * whose compiled form builds nothing (a parse builds its output, a copy of the body that
   * nothing here reads); only a body that fails is parsed, for its issues.
   */
  issues(body: Record<string, unknown>): z.core.$ZodIssue[] | undefined {
    const commonValid = this.#common.validate(body);
    let rareValid = true;
    for (const key in body) {
      if (this.#rareKeys.has(key)) {
        rareValid = this.#rare.validate(body);
        break;
      }
    }
    if (commonValid && rareValid) return undefined;
    const common = commonValid ? undefined : this.#common.safeParse(body, { reportInput: true });
    const rare = rareValid ? undefined : this.#rare.safeParse(body, { reportInput: true });
    const issues = [...(common?.error?.issues ?? []), ...(rare?.error?.issues ?? [])];
    return issues.length > 0 ? issues : undefined;
  }
}

const SCHEMAS: Readonly<Record<DialectName, CompiledRequest>> = {
  openai: new CompiledRequest(OpenAIRequest, [
    'model',
    'messages',
    'stream',
    'max_tokens',
    'max_completion_tokens',
  ]),
  anthropic: new CompiledRequest(AnthropicRequest, [
    'model',
    'messages',
    'stream',
    'max_tokens',
    'system',
  ]),
};

export const REQUEST_RULES: Readonly<Record<DialectName, readonly RequestRule[]>> = {
  openai: [...COMMON_RULES, ...OPENAI_RULES],
  anthropic: [...COMMON_RULES, ...ANTHROPIC_RULES],
};

const CLEAN: ShapeCheck = Object.freeze({ warnings: Object.freeze([]) });

/**
 * Whether `value` (an object at nesting level `depth`, the body being level 1) holds objects or
 * arrays nested past MAX_DEPTH. Recursive, which the bound keeps safe, and allocation-free.
 */
function nestedTooDeep(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return true;
  if (Array.isArray(value)) {
    for (const child of value) {
      if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1))
        return true;
    }
    return false;
  }
  const record = value as Record<string, unknown>;
  // JSON.parse makes plain objects with own properties only, so for…in visits just those.
  for (const key in record) {
    const child = record[key];
    if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1)) return true;
  }
  return false;
}

/**
 * What the rules found, sorted into errors and warnings as they report. One instance serves every
 * check (a check runs start to end synchronously), so a clean request allocates nothing here.
 */
class Findings {
  rule: RequestRule | undefined;
  errors: RequestIssue[] | undefined;
  warnings: RequestIssue[] | undefined;
  readonly report = (path: RequestPath, message: string): void => {
    const rule = this.rule!;
    const where = path.length > 0 ? `\`${formatRequestPath(path)}\` ` : '';
    const issue: RequestIssue = { path, message: `${where}${message}`, rule: rule.id };
    const list = rule.severity === 'error' ? 'errors' : 'warnings';
    const found = this[list];
    if (found) found.push(issue);
    else this[list] = [issue];
  };

  run(rules: readonly RequestRule[], request: Record<string, unknown>): void {
    this.errors = this.warnings = undefined;
    for (const rule of rules) {
      this.rule = rule;
      rule.check(request, this.report);
    }
    this.rule = undefined;
  }
}

const findings = new Findings();

function fail(message: string): never {
  throw requestInvalid([{ path: [], message, rule: 'schema' }]);
}

/**
 * Checks a request body in `dialect`; throws a `RejectedError` (code `validation`) listing every
 * problem, or returns the warnings. The endpoint does not change the checks today: `max_tokens`
 * is optional on `messages` as on `count_tokens`, since the route's max_tokens policy gives a
 * request without it its default.
 */
export function checkShape(dialect: DialectName, _endpoint: Endpoint, body: unknown): ShapeCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail('the request body must be a JSON object');
  }
  if (nestedTooDeep(body, 1)) fail(`the request is nested deeper than ${MAX_DEPTH} levels`);
  const request = body as Record<string, unknown>;
  const schemaIssues = SCHEMAS[dialect].issues(request);
  findings.run(REQUEST_RULES[dialect], request);
  const { errors, warnings } = findings;
  findings.errors = findings.warnings = undefined;
  if (schemaIssues) {
    const issues = requestIssues(schemaIssues, dialect === 'anthropic');
    throw requestInvalid(errors ? [...issues, ...errors] : issues);
  }
  if (errors) throw requestInvalid(errors);
  return warnings ? { warnings } : CLEAN;
}
