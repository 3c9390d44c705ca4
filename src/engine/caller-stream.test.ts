import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { completion, message } from '../dialects/answers.fixture.ts';
import { replayMessage } from '../dialects/anthropic/replay.ts';
import type { AnthropicStreamEvent } from '../dialects/anthropic/types.ts';
import { replayChatCompletion } from '../dialects/openai/replay.ts';
import type { ChatCompletionChunk } from '../dialects/openai/types.ts';
import { ProviderError } from '../errors/index.ts';
import { createBridges, DIALECTS } from './bridge.ts';
import { type CallerStreamOptions, callerStream, type StreamEnd } from './caller-stream.ts';
import { openStream } from './stream-commit.ts';

const bridges = createBridges();

/** The events of `list`, failing with `error` after `failAfter` of them when given. */
async function* upstream<E>(list: E[], failAfter?: number, error?: Error): AsyncGenerator<E> {
  for (let i = 0; i < list.length; i++) {
    if (i === failAfter) throw error;
    yield list[i]!;
  }
}

async function open<E>(events: AsyncIterable<E>, dialect: 'openai' | 'anthropic') {
  return openStream(events, (e) => DIALECTS[dialect].isContent(e));
}

async function read(stream: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += Buffer.from(chunk).toString('utf8');
  return out;
}

function options(
  opened: CallerStreamOptions['opened'],
  caller: 'openai' | 'anthropic',
  target: 'openai' | 'anthropic',
  request: Record<string, unknown> = { model: 'm', messages: [], stream: true },
) {
  const bridge = bridges(caller, target);
  const ends: StreamEnd[] = [];
  const completed: unknown[] = [];
  const opts: CallerStreamOptions = {
    opened,
    caller: bridge.caller,
    usage: bridge.target.usageTracker(),
    translator: bridge.stream(request),
    dropUsageOnly: !bridge.translates && !bridge.caller.wantsStreamUsage(request),
    ctx: { provider: target, model: 'm' },
    onComplete: (answer) => completed.push(answer),
    onEnd: (end) => ends.push(end),
  };
  return { opts, ends, completed };
}

const chunks = () => replayChatCompletion(completion(), { includeUsage: true });

describe('callerStream', () => {
  it('passes a same-dialect stream through, framed, ending with the terminator', async () => {
    const opened = await open(upstream(chunks()), 'openai');
    const { opts, ends, completed } = options(opened, 'openai', 'openai', {
      model: 'm',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await read(callerStream(opts));

    const frames = text.split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames.slice(0, -1).map((f) => JSON.parse(f.slice(6)))).toEqual(chunks());
    expect(completed).toEqual([completion()]);
    expect(ends).toEqual([
      {
        usage: expect.objectContaining({ outputTokens: 15 }),
        abandoned: false,
        error: undefined,
        stopReason: 'stop',
      },
    ]);
  });

  it('drops the usage chunk breakwater asked for when the caller did not, but still counts it', async () => {
    const opened = await open(upstream(chunks()), 'openai');
    const { opts, ends } = options(opened, 'openai', 'openai');
    const text = await read(callerStream(opts));

    expect(text).not.toContain('"choices":[]');
    expect(ends[0]!.usage?.outputTokens).toBe(15);
  });

  it("translates an Anthropic stream into the OpenAI caller's chunks", async () => {
    const events: AnthropicStreamEvent[] = replayMessage(message());
    const opened = await open(upstream(events), 'anthropic');
    const { opts, completed } = options(opened, 'openai', 'anthropic');
    const text = await read(callerStream(opts));

    expect(text).toContain('"object":"chat.completion.chunk"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(completed).toEqual([
      expect.objectContaining({
        choices: [
          expect.objectContaining({
            message: expect.objectContaining({
              content: 'The weather in Paris is mild today, with light winds from the west.',
            }),
          }),
        ],
      }),
    ]);
  });

  it('ends a stream that fails after its commit point with an error frame in the caller’s dialect', async () => {
    const events: AnthropicStreamEvent[] = replayMessage(message(), { pieceChars: 4 });
    const failure = new ProviderError('overloaded', 'Overloaded');
    const opened = await open(upstream(events, 5, failure), 'anthropic');
    const { opts, ends, completed } = options(opened, 'anthropic', 'anthropic');
    const text = await read(callerStream(opts));

    const last = text.trimEnd().split('\n\n').at(-1)!;
    expect(last.startsWith('event: error\n')).toBe(true);
    expect(JSON.parse(last.split('\ndata: ')[1]!)).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error' },
    });
    expect(completed).toEqual([]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ abandoned: false, error: { code: 'overloaded' } });
  });

  it('closes the upstream stream and reports an abandoned stream when the caller leaves', async () => {
    const list = chunks();
    const closed = vi.fn();
    async function* watched() {
      try {
        yield* list;
      } finally {
        closed();
      }
    }
    const opened = await open(watched(), 'openai');
    const { opts, ends } = options(opened, 'openai', 'openai');
    for await (const _ of callerStream(opts)) break;

    expect(closed).toHaveBeenCalledTimes(1);
    expect(ends).toEqual([expect.objectContaining({ abandoned: true, error: undefined })]);
  });

  it('runs onEnd once even when the caller never starts reading', async () => {
    const opened = await open(upstream(chunks() as ChatCompletionChunk[]), 'openai');
    const { opts, ends } = options(opened, 'openai', 'openai');
    const iterator = callerStream(opts)[Symbol.asyncIterator]();
    await iterator.return?.();
    await iterator.return?.();

    expect(ends).toEqual([expect.objectContaining({ abandoned: true })]);
  });
});

/**
 * An upstream that sends `list` as it is read, then waits for more until `cancel()` — the
 * cancelled read fails with the reason, as an UpstreamResponse's does.
 */
function waitingUpstream<E>(list: E[]) {
  const state = { cancelled: undefined as Error | undefined, closed: false };
  let fail: ((err: Error) => void) | undefined;
  async function* events(): AsyncGenerator<E> {
    try {
      for (const e of list) yield e;
      await new Promise<never>((_, reject) => {
        fail = reject;
        if (state.cancelled) reject(state.cancelled);
      });
    } finally {
      state.closed = true;
    }
  }
  const upstream = {
    cancel(reason: Error) {
      state.cancelled = reason;
      fail?.(reason);
    },
  };
  return { events: events(), upstream, state };
}

describe('callerStream lifetime', () => {
  const lifetime = (clock: ManualClock, upstream: { cancel(reason: Error): void }) => ({
    clock,
    idleMs: 15_000,
    maxStreamMs: 60_000,
    upstream,
  });

  it('cuts a caller that stops reading after the idle time: upstream closed, the end told at once', async () => {
    const clock = new ManualClock(0);
    const source = waitingUpstream(chunks().slice(0, 3));
    const { opts, ends } = options(await open(source.events, 'openai'), 'openai', 'openai');
    const reader = callerStream({ ...opts, lifetime: lifetime(clock, source.upstream) })[
      Symbol.asyncIterator
    ]();
    await reader.next(); // the head; then the caller reads no more
    await clock.advance(14_999);
    expect(ends).toEqual([]);
    await clock.advance(1);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ cut: 'idle', abandoned: false, error: { code: 'aborted' } });
    expect(ends[0]!.error!.message).toContain('stopped reading the stream for 15000 ms');
    expect(source.state.cancelled).toBe(ends[0]!.error);
    expect(source.state.closed).toBe(true);
    expect(clock.pending).toBe(0);
    // A caller that comes back gets the error frame in its dialect, then the end.
    const late = await reader.next();
    expect(Buffer.from(late.value!).toString()).toMatch(/^data: \{"error":/);
    expect((await reader.next()).done).toBe(true);
    expect(ends).toHaveLength(1);
  });

  it('does not cut a caller that keeps reading a slow upstream, however long it waits', async () => {
    const clock = new ManualClock(0);
    const source = waitingUpstream(chunks().slice(0, 3));
    const { opts, ends } = options(await open(source.events, 'openai'), 'openai', 'openai');
    const reader = callerStream({ ...opts, lifetime: lifetime(clock, source.upstream) })[
      Symbol.asyncIterator
    ]();
    await reader.next();
    await reader.next();
    const waiting = reader.next(); // the caller waits; the upstream is silent
    await clock.advance(45_000);
    expect(ends).toEqual([]);
    await clock.advance(15_000);
    // …until the stream's lifetime: the read is cancelled and the caller gets an error frame.
    const frame = await waiting;
    expect(Buffer.from(frame.value!).toString()).toContain('timeouts.maxStreamMs');
    expect((await reader.next()).done).toBe(true);
    expect(ends).toEqual([
      expect.objectContaining({
        cut: 'lifetime',
        error: expect.objectContaining({ code: 'deadline_exceeded' }),
      }),
    ]);
    expect(source.state.cancelled).toBeDefined();
    expect(clock.pending).toBe(0);
  });

  it('leaves no timer behind once a stream ended by itself', async () => {
    const clock = new ManualClock(0);
    const opened = await open(upstream(chunks()), 'openai');
    const { opts, ends } = options(opened, 'openai', 'openai');
    await read(callerStream({ ...opts, lifetime: lifetime(clock, { cancel() {} }) }));
    expect(ends[0]?.cut).toBeUndefined();
    expect(clock.pending).toBe(0);
  });
});
