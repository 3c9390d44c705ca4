import { describe, expect, it } from 'vitest';
import type { ResolvedRoute } from '../config/config-types.ts';
import { ManualClock } from '../core/clock.ts';
import { Coalescer } from './coalesce.ts';
import { chatRequest, testConfig, testRun } from './engine.fixture.ts';
import type { CallOptions, EngineAnswer } from './engine-types.ts';
import type { Run } from './run.ts';

const chat = testConfig({ chat: { tiers: ['openai/gpt-4o'], coalesce: true } }).routes.get(
  'chat',
) as ResolvedRoute;

/** An answer of `text`, as a run would give it. */
function answerOf(text: string): EngineAnswer {
  return {
    kind: 'json',
    body: { choices: [{ message: { role: 'assistant', content: text } }] },
    meta: {
      route: 'chat',
      target: 'openai/gpt-4o',
      attempts: 1,
      cache: 'off',
      fallback: 'none',
      trail: [],
    },
  };
}

/** A run the test finishes by hand; every run it was asked for is kept, with its signal. */
function upstream() {
  const runs: { run: Run; answer: (text: string) => void; fail: (error: Error) => void }[] = [];
  const execute = (run: Run) =>
    new Promise<EngineAnswer>((resolve, reject) => {
      runs.push({ run, answer: (text) => resolve(answerOf(text)), fail: reject });
    });
  return { runs, execute };
}

function setup() {
  const clock = new ManualClock(1_000_000);
  const shared: number[] = [];
  const coalescer = new Coalescer(clock, (_run, callers) => shared.push(callers));
  const run = (options: CallOptions = {}, request = chatRequest()) =>
    testRun(chat, request, clock, { deadlineMs: 10_000, ...options });
  return { clock, coalescer, shared, run };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('Coalescer', () => {
  it('answers identical calls in flight together from one run, each with its own copy', async () => {
    const { coalescer, shared, run } = setup();
    const { runs, execute } = upstream();
    const first = coalescer.answer(run(), execute);
    const second = coalescer.answer(run(), execute);
    expect(runs).toHaveLength(1);
    expect(coalescer.inFlight).toBe(1);
    runs[0]!.answer('Hello');
    const [a, b] = await Promise.all([first, second]);
    expect(a.meta.coalesced).toBe(2);
    expect(b.meta.coalesced).toBe(2);
    expect(a.body).toEqual(b.body);
    expect(a.body).not.toBe(b.body);
    expect(shared).toEqual([2]);
    expect(coalescer.inFlight).toBe(0);
  });

  it('does not mark an answer nobody shared, and runs again once the shared run is over', async () => {
    const { coalescer, shared, run } = setup();
    const { runs, execute } = upstream();
    const alone = coalescer.answer(run(), execute);
    runs[0]!.answer('one');
    expect((await alone).meta.coalesced).toBeUndefined();
    const later = coalescer.answer(run(), execute);
    expect(runs).toHaveLength(2);
    runs[1]!.answer('two');
    await later;
    expect(shared).toEqual([]);
  });

  it('keeps apart calls of other tenants and other requests', async () => {
    const { coalescer, run } = setup();
    const { runs, execute } = upstream();
    const calls = [
      coalescer.answer(run({ tenant: 'a' }), execute),
      coalescer.answer(run({ tenant: 'b' }), execute),
      coalescer.answer(run({ tenant: 'a' }, chatRequest({ temperature: 0 })), execute),
    ];
    expect(runs).toHaveLength(3);
    for (const r of runs) r.answer('x');
    await Promise.all(calls);
  });

  it('gives every caller the shared run’s error', async () => {
    const { coalescer, run } = setup();
    const { runs, execute } = upstream();
    const calls = [coalescer.answer(run(), execute), coalescer.answer(run(), execute)];
    runs[0]!.fail(new Error('upstream down'));
    for (const call of calls) await expect(call).rejects.toThrow('upstream down');
  });

  it('cancels the shared run only once every caller has left', async () => {
    const { coalescer, run } = setup();
    const { runs, execute } = upstream();
    const [one, two] = [new AbortController(), new AbortController()];
    const first = coalescer.answer(run({ signal: one.signal }), execute);
    const second = coalescer.answer(run({ signal: two.signal }), execute);
    const signal = runs[0]!.run.options.signal!;
    one.abort(new Error('first left'));
    await expect(first).rejects.toThrow();
    expect(signal.aborted).toBe(false);
    two.abort(new Error('second left'));
    await expect(second).rejects.toThrow();
    expect(signal.aborted).toBe(true);
  });

  it('lets a caller leave at its own deadline while the run goes on for the others', async () => {
    const { clock, coalescer, run } = setup();
    const { runs, execute } = upstream();
    // The first caller's deadline is the shared run's; a later caller may have a shorter one.
    const long = coalescer.answer(run({ deadlineMs: 10_000 }), execute);
    const short = coalescer.answer(run({ deadlineMs: 1_000 }), execute);
    short.catch(() => undefined);
    await flush();
    await clock.advance(1_000);
    await expect(short).rejects.toMatchObject({ code: 'deadline_exceeded' });
    expect(runs[0]!.run.options.signal!.aborted).toBe(false);
    runs[0]!.answer('late');
    expect((await long).meta.coalesced).toBe(2);
  });
});
