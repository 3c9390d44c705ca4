/**
 * Property-based checks of the request preflight (fast-check): generated valid requests of both
 * dialects pass; each kind of mutation that makes one invalid is rejected with the path of the
 * field it broke; several mutations at once are all reported in one answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DialectName } from '../dialects/dialect-name.ts';
import { checkShape } from './request-shape.ts';

type Json = Record<string, unknown>;

const text = fc.string({ minLength: 1, maxLength: 40 });
const model = fc.oneof(
  fc.constantFrom('chat', 'openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5'),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
);
/** Fields no schema names: they pass through untouched. */
const extras = fc.dictionary(fc.stringMatching(/^x_[a-z]{1,8}$/), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 2,
});

// ---------- OpenAI ----------

const openaiContent = fc.oneof(
  text,
  fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 3 }),
);

/** A turn: messages that are valid together (a tool call is followed by its results). */
const openaiTurn = fc.oneof(
  fc.record({ role: fc.constant('user'), content: openaiContent }).map((m) => [m]),
  fc.record({ role: fc.constant('assistant'), content: text }).map((m) => [m]),
  fc.integer({ min: 1, max: 3 }).map((n) => [
    {
      role: 'assistant',
      content: null,
      tool_calls: Array.from({ length: n }, (_, j) => ({
        id: `call_${j}`,
        type: 'function',
        function: { name: `f${j}`, arguments: '{}' },
      })),
    },
    ...Array.from({ length: n }, (_, j) => ({
      role: 'tool',
      tool_call_id: `call_${j}`,
      content: 'result',
    })),
  ]),
);

const openaiRequest: fc.Arbitrary<Json> = fc
  .record(
    {
      model,
      system: fc.option(
        fc.record({ role: fc.constantFrom('system', 'developer'), content: text }),
        { nil: undefined },
      ),
      turns: fc.array(openaiTurn, { minLength: 1, maxLength: 4 }),
      max_tokens: fc.option(fc.nat(100_000)),
      max_completion_tokens: fc.option(fc.nat(100_000)),
      temperature: fc.option(fc.double({ min: 0, max: 2, noNaN: true })),
      top_p: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
      n: fc.option(fc.integer({ min: 1, max: 4 })),
      stream: fc.option(fc.boolean()),
      stop: fc.option(fc.oneof(text, fc.array(text, { maxLength: 3 }))),
      user: fc.option(text),
      tools: fc.option(
        fc.array(
          fc.record({
            type: fc.constant('function'),
            function: fc.record({
              name: fc.stringMatching(/^[a-z_]{1,12}$/),
              parameters: fc.constant({ type: 'object' }),
            }),
          }),
          { maxLength: 2 },
        ),
      ),
      extras,
    },
    { requiredKeys: ['model', 'turns', 'extras'] },
  )
  .map(({ system, turns, extras, ...fields }) => ({
    ...extras,
    ...fields,
    messages: [...(system ? [system] : []), ...turns.flat()],
  }));

// ---------- Anthropic ----------

const anthropicBlocks = fc.array(
  fc.oneof(
    fc.record({ type: fc.constant('text'), text }),
    fc.record({
      type: fc.constant('image'),
      source: fc.record({ type: fc.constant('url'), url: fc.webUrl() }),
    }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** A user turn and the assistant's answer, or a tool call and its result. */
const anthropicExchange = fc.oneof(
  fc.tuple(fc.oneof(text, anthropicBlocks), text).map(([question, answer]) => [
    { role: 'user', content: question },
    { role: 'assistant', content: answer },
  ]),
  fc.integer({ min: 1, max: 3 }).map((n) => [
    {
      role: 'assistant',
      content: Array.from({ length: n }, (_, j) => ({
        type: 'tool_use',
        id: `toolu_${j}`,
        name: 'lookup',
        input: { q: j },
      })),
    },
    {
      role: 'user',
      content: Array.from({ length: n }, (_, j) => ({
        type: 'tool_result',
        tool_use_id: `toolu_${j}`,
        content: 'found',
      })),
    },
  ]),
);

const anthropicRequest: fc.Arbitrary<Json> = fc
  .record(
    {
      model,
      exchanges: fc.array(anthropicExchange, { minLength: 1, maxLength: 4 }),
      last: text,
      system: fc.option(
        fc.oneof(
          text,
          fc.array(fc.record({ type: fc.constant('text'), text }), { minLength: 1, maxLength: 2 }),
        ),
        { nil: undefined },
      ),
      max_tokens: fc.nat(64_000),
      temperature: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      top_k: fc.option(fc.nat(500), { nil: undefined }),
      stream: fc.option(fc.boolean(), { nil: undefined }),
      stop_sequences: fc.option(fc.array(text, { maxLength: 3 }), { nil: undefined }),
      tools: fc.option(
        fc.array(
          fc.record({
            name: fc.stringMatching(/^[a-z_]{1,12}$/),
            input_schema: fc.constant({ type: 'object' }),
          }),
          { maxLength: 2 },
        ),
        { nil: undefined },
      ),
      extras,
    },
    { requiredKeys: ['model', 'exchanges', 'last', 'max_tokens', 'extras'] },
  )
  .map(({ exchanges, last, extras, ...fields }) => {
    const messages = exchanges.flat();
    // A conversation starts with the user (a first assistant turn is only a warning) and ends with one.
    if (messages[0]?.role === 'assistant') messages.unshift({ role: 'user', content: 'start' });
    messages.push({ role: 'user', content: last });
    return { ...extras, ...fields, messages };
  });

// ---------- mutations ----------

interface Mutation {
  /** What it breaks, for the report. */
  kind: string;
  /** The path of the field the answer must name. */
  path: (body: Json) => string;
  apply(body: Json): void;
}

const top = (field: string, value: unknown): Mutation => ({
  kind: `${field} = ${JSON.stringify(value)}`,
  path: () => field,
  apply: (body) => {
    body[field] = value;
  },
});

const COMMON: Mutation[] = [
  { kind: 'model missing', path: () => 'model', apply: (b) => void delete b.model },
  top('model', 42),
  top('model', '   '),
  top('max_tokens', -1),
  top('max_tokens', 2.5),
  top('temperature', 'hot'),
  top('stream', 'yes'),
  top('base_url', 'http://evil.invalid'),
  top('tools', { name: 'not a list' }),
  top('metadata', ['not', 'an', 'object']),
];

/** Mutations of one message, at a position given by the picker (one message each). */
const messageMutations = (dialect: DialectName): ((i: number) => Mutation)[] => [
  (i) => ({
    kind: `messages.${i}.role = 42`,
    path: () => `messages.${i}.role`,
    apply: (b) => {
      (b.messages as Json[])[i]!.role = 42;
    },
  }),
  (i) => ({
    kind: `messages.${i}.content = 7`,
    path: () => `messages.${i}.content`,
    apply: (b) => {
      (b.messages as Json[])[i]!.content = 7;
    },
  }),
  (i) => ({
    kind: `messages.${i} not an object`,
    path: () => `messages.${i}`,
    apply: (b) => {
      (b.messages as unknown[])[i] = dialect === 'openai' ? 'hello' : 12;
    },
  }),
];

const DIALECT_MUTATIONS: Record<DialectName, Mutation[]> = {
  openai: [top('n', 0), top('stop', 5), top('user', { id: 1 }), top('logprobs', 'yes')],
  anthropic: [
    top('top_k', -3),
    { ...top('stop_sequences', [1]), path: () => 'stop_sequences.0' },
    top('temperature', null),
    top('system', 5),
  ],
};

function check(dialect: DialectName, body: Json) {
  try {
    checkShape(dialect, dialect === 'openai' ? 'chat' : 'messages', body);
    return undefined;
  } catch (err) {
    return err as { code: string; status: number; problems: { param: string; message: string }[] };
  }
}

const clone = (body: Json): Json => structuredClone(body);

for (const [dialect, valid] of [
  ['openai', openaiRequest],
  ['anthropic', anthropicRequest],
] as const) {
  const mutations = [...COMMON, ...DIALECT_MUTATIONS[dialect]];
  const perMessage = messageMutations(dialect);

  describe(`${dialect} requests`, () => {
    it('valid generated requests pass, unknown fields and all', () => {
      fc.assert(
        fc.property(valid, (body) => {
          expect(check(dialect, body)).toBeUndefined();
        }),
        { numRuns: 300 },
      );
    });

    it('each kind of mutation is rejected with the path of the field it broke', () => {
      const mutated = fc.tuple(
        valid,
        fc.nat({ max: mutations.length + perMessage.length - 1 }),
        fc.nat(),
      );
      fc.assert(
        fc.property(mutated, ([body, pick, at]) => {
          const copy = clone(body);
          const index = at % (copy.messages as unknown[]).length;
          const mutation =
            pick < mutations.length
              ? mutations[pick]!
              : perMessage[pick - mutations.length]!(index);
          const path = mutation.path(copy);
          mutation.apply(copy);
          const error = check(dialect, copy);
          expect(error, mutation.kind).toMatchObject({ code: 'validation', status: 400 });
          expect(
            error!.problems.map((p) => p.param),
            mutation.kind,
          ).toContain(path);
        }),
        { numRuns: 400 },
      );
      // And every kind was drawn at least once on a fixed example, not left to chance.
      for (const mutation of [...mutations, ...perMessage.map((m) => m(0))]) {
        const body = clone(fc.sample(valid, { numRuns: 1, seed: 7 })[0]!);
        const path = mutation.path(body);
        mutation.apply(body);
        expect(
          check(dialect, body)?.problems.map((p) => p.param),
          mutation.kind,
        ).toContain(path);
      }
    });

    it('several mutations at once are all reported in one answer', () => {
      const several = fc.tuple(
        valid,
        fc.uniqueArray(fc.nat({ max: mutations.length - 1 }), {
          minLength: 2,
          maxLength: 5,
          selector: (i) => mutations[i]!.path({}),
        }),
        fc.boolean(),
      );
      fc.assert(
        fc.property(several, ([body, picks, withMessage]) => {
          const copy = clone(body);
          const chosen = picks.map((i) => mutations[i]!);
          if (withMessage) chosen.push(perMessage[1]!((copy.messages as unknown[]).length - 1));
          const paths = chosen.map((m) => m.path(copy));
          for (const m of chosen) m.apply(copy);
          const error = check(dialect, copy);
          expect(error).toMatchObject({ code: 'validation', status: 400 });
          const reported = error!.problems.map((p) => p.param);
          for (const path of paths) expect(reported).toContain(path);
          expect(reported.length).toBeGreaterThanOrEqual(paths.length);
        }),
        { numRuns: 300 },
      );
    });
  });
}
