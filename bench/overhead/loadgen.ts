/**
 * The load generator: a child process (forked by the bench with an IPC channel and `advanced`
 * serialization) that runs one job at a time and sends back raw latencies. It lives in its own
 * process so its CPU shows apart from the proxy's and the simulator's, and it exits when the
 * bench goes away. Every job is bounded in requests and in time.
 */
import { Client, Errors, exchange, readStream } from './http-client.ts';
import type {
  ClosedJob,
  Command,
  FirstTokenJob,
  FirstTokenResult,
  HoldJob,
  HoldResult,
  Job,
  LatencyResult,
  OpenJob,
  OpenResult,
  Reply,
} from './jobs.ts';

/** A sequential job gives up after this long per target, whatever is left. */
const SEQUENTIAL_LIMIT_MS = 120_000;
/** An open-loop job stops waiting for stragglers this long after its last scheduled send. */
const OPEN_GRACE_MS = 12_000;

/**
 * A sequential job's loop: `warmup` unmeasured rounds, then `requests` measured ones, one
 * exchange at a time, within the time limit. A round gives each target one exchange; the target
 * that goes first moves on by one each round, so none always follows the same other one.
 * `exchangeOnce` does one exchange with target `t` and records it under index `i` (negative
 * while warming up); a failure is counted once warm.
 */
async function sequential(
  job: ClosedJob | FirstTokenJob,
  exchangeOnce: (client: Client, t: number, i: number) => Promise<void>,
): Promise<{ errors: Errors[]; wallMs: number }> {
  const clients = job.targets.map((target) => new Client(target, 1));
  const errors = clients.map(() => new Errors());
  const n = clients.length;
  const limitMs = SEQUENTIAL_LIMIT_MS * n;
  const started = performance.now();
  try {
    for (let i = -job.warmup; i < job.requests; i++) {
      if (performance.now() - started > limitMs) {
        for (const e of errors) e.add('bench time limit');
        break;
      }
      for (let k = 0; k < n; k++) {
        const t = (((i + k) % n) + n) % n;
        try {
          await exchangeOnce(clients[t]!, t, i);
        } catch (error) {
          if (i >= 0) errors[t]!.addError(error);
        }
      }
    }
  } finally {
    for (const client of clients) client.close();
  }
  return { errors, wallMs: performance.now() - started };
}

function series(job: ClosedJob | FirstTokenJob): Float64Array[] {
  return job.targets.map(() => new Float64Array(job.requests).fill(Number.NaN));
}

async function closed(job: ClosedJob): Promise<LatencyResult[]> {
  const latencyMs = series(job);
  const { errors, wallMs } = await sequential(job, async (client, t, i) => {
    const sent = performance.now();
    const ended = await exchange(client);
    if (i >= 0) latencyMs[t]![i] = ended - sent;
  });
  return latencyMs.map((l, t) => ({ latencyMs: l, errors: errors[t]!.counts, wallMs }));
}

function open(job: OpenJob): Promise<OpenResult> {
  const client = new Client(job.target, job.connections);
  const count = Math.max(1, Math.round((job.rate * job.durationMs) / 1000));
  const gapMs = 1000 / job.rate;
  const latencyMs = new Float64Array(count).fill(Number.NaN);
  const lateMs = new Float64Array(count);
  const errors = new Errors();
  const t0 = performance.now() + 5;
  let next = 0;
  let settled = 0;
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(limit);
      const unfinished = count - settled;
      if (unfinished > 0) errors.counts['unfinished at the time limit'] = unfinished;
      settled = count;
      client.close();
      resolve({ latencyMs, lateMs, errors: errors.counts, wallMs: performance.now() - t0 });
    };
    const settle = () => {
      if (++settled === count) finish();
    };
    const fire = (i: number, due: number, now: number) => {
      lateMs[i] = now - due;
      exchange(client).then(
        (ended) => {
          if (settled < count) latencyMs[i] = ended - due;
          settle();
        },
        (error: unknown) => {
          if (settled < count) errors.addError(error);
          settle();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (next < count && t0 + next * gapMs <= now) {
        fire(next, t0 + next * gapMs, now);
        next++;
      }
      if (next < count) timer = setTimeout(tick, Math.max(0, t0 + next * gapMs - now));
    };
    const limit = setTimeout(() => {
      if (settled < count) {
        next = count;
        finish();
      }
    }, job.durationMs + OPEN_GRACE_MS);
    timer = setTimeout(tick, 5);
  });
}

async function firstToken(job: FirstTokenJob): Promise<FirstTokenResult[]> {
  const latencyMs = series(job);
  const totalMs = series(job);
  const { errors, wallMs } = await sequential(job, async (client, t, i) => {
    const sent = performance.now();
    let first = Number.NaN;
    await readStream(await client.send(), () => {
      first = performance.now() - sent;
    });
    if (i >= 0) {
      latencyMs[t]![i] = first;
      totalMs[t]![i] = performance.now() - sent;
    }
  });
  return latencyMs.map((l, t) => ({
    latencyMs: l,
    totalMs: totalMs[t]!,
    errors: errors[t]!.counts,
    wallMs,
  }));
}

let release: (() => void) | undefined;
let holding: Promise<void> | undefined;

async function hold(job: HoldJob, reply: (result: HoldResult) => void): Promise<void> {
  const client = new Client(job.target, job.streams);
  const errors = new Errors();
  let open = 0;
  let failed = 0;
  let lastOpened = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, job.openTimeoutMs);
    const check = () => {
      if (open + failed < job.streams) return;
      clearTimeout(timer);
      resolve();
    };
    for (let i = 0; i < job.streams; i++) {
      let opened = false;
      client
        .send()
        .then((res) =>
          readStream(res, () => {
            opened = true;
            open++;
            lastOpened = performance.now();
            check();
          }),
        )
        .catch((error: unknown) => {
          // Failures after the first content come from dropping the streams; they do not count.
          if (opened) return;
          errors.addError(error);
          failed++;
          check();
        });
    }
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  reply({ open, failed, errors: errors.counts, openingMs: lastOpened - started });
  // The bench reads memory now; a lost bench must not leave the streams open for ever.
  const limit = setTimeout(() => release?.(), 60_000);
  await released;
  clearTimeout(limit);
  release = undefined;
  client.close();
}

async function run(job: Job): Promise<LatencyResult[] | OpenResult | FirstTokenResult[]> {
  switch (job.kind) {
    case 'closed':
      return closed(job);
    case 'open':
      return open(job);
    case 'first-token':
      return firstToken(job);
    case 'hold':
      throw new Error('hold is answered on its own');
  }
}

function send(reply: Reply): void {
  process.send?.(reply);
}

process.on('message', (command: Command) => {
  const { id } = command;
  const fail = (error: unknown) => send({ id, ok: false, error: String(error) });
  if ('release' in command) {
    release?.();
    const empty: HoldResult = { open: 0, failed: 0, errors: {}, openingMs: 0 };
    (holding ?? Promise.resolve()).then(() => send({ id, ok: true, result: empty }), fail);
    return;
  }
  if (command.job.kind === 'hold') {
    holding = hold(command.job, (result) => send({ id, ok: true, result })).catch(fail);
    return;
  }
  run(command.job).then((result) => send({ id, ok: true, result }), fail);
});
process.on('disconnect', () => process.exit(0));
