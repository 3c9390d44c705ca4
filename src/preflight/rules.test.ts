/**
 * Every semantic rule, by id, with a request that breaks it and the message it gets. A rule
 * added without a row here fails the last test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/config-resolve.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import { ModelCatalog } from '../tokens/model-catalog.ts';
import { checkShape, REQUEST_RULES } from './request-shape.ts';
import { checkForRoute, ROUTE_RULES } from './route-rules.ts';

interface Row {
  rule: string;
  dialect: DialectName;
  body: Record<string, unknown>;
  param: string;
  message: RegExp;
  warning?: true;
}

const user = { role: 'user', content: 'hi' };
const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } });
const toolUse = (id: string) => ({ type: 'tool_use', id, name: 'f', input: {} });
const toolResult = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'ok' });

const ROWS: Row[] = [
  {
    rule: 'upstream_fields',
    dialect: 'openai',
    body: { model: 'chat', messages: [user], api_key: 'sk-x' },
    param: 'api_key',
    message:
      /^`api_key` is not accepted: this gateway takes upstream URLs and keys from its config only/,
  },
  {
    rule: 'openai.content_required',
    dialect: 'openai',
    body: { model: 'chat', messages: [{ role: 'user' }] },
    param: 'messages.0.content',
    message: /^`messages\.0\.content` is required: the message text, or a list of content parts$/,
  },
  {
    rule: 'openai.tool_call_id_required',
    dialect: 'openai',
    body: {
      model: 'chat',
      messages: [
        user,
        { role: 'assistant', tool_calls: [call('c1')] },
        { role: 'tool', content: 'x' },
      ],
    },
    param: 'messages.2.tool_call_id',
    message:
      /^`messages\.2\.tool_call_id` is required: the id of the tool call this message answers$/,
  },
  {
    rule: 'openai.function_required',
    dialect: 'openai',
    body: { model: 'chat', messages: [user], tools: [{ type: 'function' }] },
    param: 'tools.0.function',
    message: /^`tools\.0\.function` is required on a function tool: \{ name, parameters \}$/,
  },
  {
    rule: 'openai.known_roles',
    dialect: 'openai',
    body: { model: 'chat', messages: [{ role: 'usr', content: 'hi' }] },
    param: 'messages.0.role',
    message:
      /^`messages\.0\.role` "usr" is not a role OpenAI knows — use one of developer, system, user, assistant, tool, function \(did you mean "user"\?\)$/,
  },
  {
    rule: 'openai.tool_message_answers_call',
    dialect: 'openai',
    body: {
      model: 'chat',
      messages: [
        user,
        { role: 'assistant', tool_calls: [call('call_1')] },
        { role: 'tool', tool_call_id: 'call_9', content: 'x' },
      ],
    },
    param: 'messages.2.tool_call_id',
    message:
      /^`messages\.2\.tool_call_id` "call_9" matches no call of messages\.1 \(its tool_calls ids: "call_1"\) — use the id of the call this result answers$/,
  },
  {
    rule: 'anthropic.known_roles',
    dialect: 'anthropic',
    body: { model: 'chat', messages: [{ role: 'human', content: 'hi' }] },
    param: 'messages.0.role',
    message:
      /^`messages\.0\.role` "human" is not a role Anthropic knows — use "user" or "assistant"/,
  },
  {
    rule: 'anthropic.system_top_level',
    dialect: 'anthropic',
    body: { model: 'chat', messages: [{ role: 'system', content: 'be brief' }, user] },
    param: 'messages.0.role',
    message:
      /^`messages\.0\.role` is "system", which Anthropic does not take as a message — put the system prompt in the top-level `system` field$/,
  },
  {
    rule: 'anthropic.tool_result_answers_tool_use',
    dialect: 'anthropic',
    body: {
      model: 'chat',
      messages: [
        user,
        { role: 'assistant', content: [toolUse('toolu_1')] },
        { role: 'user', content: [toolResult('toolu_1'), toolResult('toolu_2')] },
      ],
    },
    param: 'messages.2.content.1.tool_use_id',
    message:
      /^`messages\.2\.content\.1\.tool_use_id` "toolu_2" matches no tool_use of messages\.1 \(its ids: "toolu_1"\)/,
  },
  {
    rule: 'anthropic.tool_use_answered',
    dialect: 'anthropic',
    body: {
      model: 'chat',
      messages: [user, { role: 'assistant', content: [toolUse('toolu_1')] }, user],
    },
    param: 'messages.1.content.0',
    message:
      /^`messages\.1\.content\.0` is tool_use "toolu_1" with no tool_result in the next message \(messages\.2\)/,
  },
  {
    rule: 'anthropic.consecutive_roles',
    dialect: 'anthropic',
    body: { model: 'chat', messages: [user, user] },
    param: 'messages.1.role',
    message:
      /^`messages\.1\.role` repeats the role of messages\.0 \("user"\): Anthropic merges consecutive "user" messages into one turn$/,
    warning: true,
  },
  {
    rule: 'anthropic.first_message_assistant',
    dialect: 'anthropic',
    body: { model: 'chat', messages: [{ role: 'assistant', content: 'Hello' }, user] },
    param: 'messages.0.role',
    message: /^`messages\.0\.role` is "assistant": the conversation starts with the assistant/,
    warning: true,
  },
];

function problems(dialect: DialectName, body: unknown) {
  try {
    return {
      warnings: checkShape(dialect, dialect === 'openai' ? 'chat' : 'messages', body).warnings,
    };
  } catch (err) {
    return {
      error: err as {
        code: string;
        status: number;
        param?: string;
        problems?: { param: string; message: string }[];
      },
    };
  }
}

describe('semantic rules: each with a failing example and its message', () => {
  for (const row of ROWS) {
    it(`${row.rule}${row.warning ? ' (warning)' : ''}`, () => {
      const found = problems(row.dialect, row.body);
      if (row.warning) {
        expect(found.error).toBeUndefined();
        const warning = found.warnings!.find((w) => w.rule === row.rule);
        expect(warning?.path.join('.')).toBe(row.param);
        expect(warning?.message).toMatch(row.message);
        return;
      }
      expect(found.error).toMatchObject({ code: 'validation', status: 400, param: row.param });
      expect(found.error!.problems).toHaveLength(1);
      expect(found.error!.problems![0]!.message).toMatch(row.message);
    });
  }

  it('covers every rule', () => {
    const ids = new Set([...REQUEST_RULES.openai, ...REQUEST_RULES.anthropic].map((r) => r.id));
    expect(new Set(ROWS.map((r) => r.rule))).toEqual(ids);
  });

  it('a conversation that keeps to the rules passes with no warning', () => {
    const openai = problems('openai', {
      model: 'chat',
      messages: [
        { role: 'developer', content: 'be brief' },
        user,
        { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call_2')] },
        { role: 'tool', tool_call_id: 'call_1', content: 'a' },
        { role: 'tool', tool_call_id: 'call_2', content: 'b' },
        { role: 'assistant', content: 'done' },
      ],
    });
    expect(openai).toEqual({ warnings: [] });
    const anthropic = problems('anthropic', {
      model: 'chat',
      system: 'be brief',
      messages: [
        user,
        { role: 'assistant', content: [{ type: 'text', text: 'checking' }, toolUse('toolu_1')] },
        { role: 'user', content: [toolResult('toolu_1')] },
        { role: 'assistant', content: 'done' },
      ],
    });
    expect(anthropic).toEqual({ warnings: [] });
  });
});

// ---------- rules that depend on the route's targets ----------

interface RouteRow {
  rule: string;
  dialect: DialectName;
  tiers: string[];
  body: Record<string, unknown>;
  param: string;
  message: RegExp;
}

const ROUTE_ROWS: RouteRow[] = [
  {
    rule: 'anthropic.max_tokens_required',
    dialect: 'anthropic',
    tiers: ['anthropic/claude-haiku-4-5'],
    body: { model: 'r', messages: [user] },
    param: 'max_tokens',
    message: /^`max_tokens` is required: the most tokens to generate/,
  },
  {
    rule: 'max_tokens.output_limit',
    dialect: 'anthropic',
    tiers: ['anthropic/claude-haiku-4-5'],
    body: { model: 'r', messages: [user], max_tokens: 900_000 },
    param: 'max_tokens',
    message:
      /^`max_tokens` is 900000, above the output limit of anthropic\/claude-haiku-4-5 \(\d+ tokens\) — ask for at most \d+$/,
  },
  {
    rule: 'openai.reasoning_max_completion_tokens',
    dialect: 'openai',
    tiers: ['openai/gpt-4o-mini', 'openai/o3'],
    body: { model: 'r', messages: [user], max_tokens: 100 },
    param: 'max_tokens',
    message:
      /^`max_tokens` is not accepted by openai\/o3, a reasoning model — send max_completion_tokens instead/,
  },
];

const catalog = new ModelCatalog();

describe('route rules: each with a failing example and its message', () => {
  for (const row of ROUTE_ROWS) {
    it(row.rule, () => {
      const config = resolveConfig(
        { providers: { openai: {}, anthropic: {} }, routes: { r: { tiers: row.tiers } } },
        { env: {} },
      );
      const route = config.routes.get('r')!;
      let error: { code?: string; param?: string; problems?: { message: string }[] } | undefined;
      try {
        checkForRoute({ dialect: row.dialect, request: row.body, route, catalog });
      } catch (err) {
        error = err as typeof error;
      }
      expect(error).toMatchObject({ code: 'validation', param: row.param });
      expect(error!.problems).toHaveLength(1);
      expect(error!.problems![0]!.message).toMatch(row.message);
    });
  }

  it('covers every route rule', () => {
    expect(new Set(ROUTE_ROWS.map((r) => r.rule))).toEqual(new Set(ROUTE_RULES.map((r) => r.id)));
  });
});

describe('docs/preflight.md', () => {
  it('has a row for every rule, request and route rules alike', () => {
    const doc = readFileSync(new URL('../../docs/preflight.md', import.meta.url), 'utf8');
    const rows = new Set([...doc.matchAll(/^\| `([a-z_.]+)` \|/gm)].map((m) => m[1]));
    const ids = [...REQUEST_RULES.openai, ...REQUEST_RULES.anthropic, ...ROUTE_RULES].map(
      (r) => r.id,
    );
    expect(rows).toEqual(new Set(ids));
  });
});
