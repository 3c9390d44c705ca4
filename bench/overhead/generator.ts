/**
 * The bench's side of the load generator: forks loadgen.ts and turns its jobs into promises.
 */
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
import { forkChild } from './processes.ts';

export class Generator {
  readonly pid: number;
  readonly #stop: () => Promise<void>;
  readonly #child: ReturnType<typeof forkChild>['child'];
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  #next = 0;

  constructor(cpus: string | undefined) {
    const { child, stop } = forkChild('load generator', `${import.meta.dirname}/loadgen.ts`, cpus);
    this.#child = child;
    this.#stop = stop;
    this.pid = child.pid!;
    child.on('message', (reply: Reply) => {
      this.#waiting.get(reply.id)?.(reply);
      this.#waiting.delete(reply.id);
    });
    child.on('exit', (code) => {
      for (const resolve of this.#waiting.values()) {
        resolve({ id: -1, ok: false, error: `the load generator exited (${code})` });
      }
      this.#waiting.clear();
    });
  }

  #send<T>(command: { job: Job } | { release: true }): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, (reply) => {
        if (reply.ok) resolve(reply.result as T);
        else reject(new Error(reply.error));
      });
      this.#child.send({ ...command, id } as Command);
    });
  }

  /** One result per target, in order (see `ClosedJob`). */
  closed(job: Omit<ClosedJob, 'kind'>): Promise<LatencyResult[]> {
    return this.#send({ job: { kind: 'closed', ...job } });
  }

  open(job: Omit<OpenJob, 'kind'>): Promise<OpenResult> {
    return this.#send({ job: { kind: 'open', ...job } });
  }

  /** One result per target, in order. */
  firstToken(job: Omit<FirstTokenJob, 'kind'>): Promise<FirstTokenResult[]> {
    return this.#send({ job: { kind: 'first-token', ...job } });
  }

  /** Opens the streams; once this resolves they are held until `release()`. */
  hold(job: Omit<HoldJob, 'kind'>): Promise<HoldResult> {
    return this.#send({ job: { kind: 'hold', ...job } });
  }

  async release(): Promise<void> {
    await this.#send({ release: true });
  }

  close(): Promise<void> {
    this.#child.disconnect();
    return this.#stop();
  }
}
