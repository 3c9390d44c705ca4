/**
 * Log lines gathered in memory and handed to sonic-boom a batch at a time: once `minBytes` have
 * gathered, `flushMs` after the first line of a batch, and at once on `flush()` or at exit. The
 * logger's stdout sits behind one (see `batchedDestination` in logger.ts), so a busy gateway
 * makes one write per hundred-odd lines.
 *
 * Written here rather than left to sonic-boom's own `minLength`, which does the same job: in its
 * string mode sonic-boom appends each line to one growing string and measures that string's
 * UTF-8 length again on every write, which flattens it each time; gathering lines in an array
 * and joining them once costs a fraction of that per line (figures: docs/gateway.md, "Why these
 * parts are written by hand"). sonic-boom still does the writing: retries on EAGAIN, partial writes, the synchronous flush.
 */

/** What the batches go to: the parts of sonic-boom used here. */
export interface BatchSink {
  write(text: string): unknown;
  /** Starts writing whatever the sink holds. */
  flush(cb?: (err?: Error) => void): void;
  /** Writes whatever the sink holds before returning. */
  flushSync(): void;
}

export interface LineBatchOptions {
  /**
   * Hand the batch on once it holds this many UTF-8 bytes. Set it to the sink's own `minLength`:
   * a batch that size is written at once, and what is pending is always less, so the exit flush
   * can hand it over without starting a write it would not wait for. @default 65536
   */
  minBytes?: number;
  /** Hand the batch on this long after its first line at the latest. @default 100 */
  flushMs?: number;
}

export class LineBatch {
  readonly #sink: BatchSink;
  readonly #minBytes: number;
  readonly #flushMs: number;
  #lines: string[] = [];
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(sink: BatchSink, options: LineBatchOptions = {}) {
    this.#sink = sink;
    this.#minBytes = options.minBytes ?? 65_536;
    this.#flushMs = options.flushMs ?? 100;
  }

  /** Bytes gathered and not handed on yet. */
  get pendingBytes(): number {
    return this.#bytes;
  }

  write(line: string): boolean {
    this.#lines.push(line);
    this.#bytes += Buffer.byteLength(line);
    if (this.#bytes >= this.#minBytes) this.#handOver();
    else if (this.#timer === undefined) {
      // Unreferenced: a quiet process may exit; its last lines go out with the exit flush.
      this.#timer = setTimeout(() => this.flush(), this.#flushMs).unref();
    }
    return true;
  }

  /** Hands whatever has gathered to the sink and has it start writing. */
  flush(cb?: (err?: Error) => void): void {
    this.#handOver();
    this.#sink.flush(cb);
  }

  /**
   * Everything written before this returns: the sink's own backlog first, then the batch. (Not
   * a write that is already under way: sonic-boom cannot wait for one.)
   */
  flushSync(): void {
    this.#sink.flushSync();
    this.#handOver();
    this.#sink.flushSync();
  }

  #handOver(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#lines.length === 0) return;
    const lines = this.#lines;
    this.#lines = [];
    this.#bytes = 0;
    this.#sink.write(lines.length === 1 ? lines[0]! : lines.join(''));
  }
}
