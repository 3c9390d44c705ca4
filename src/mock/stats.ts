/**
 * Counts of what the simulator did, per model and in total: `requests` and one outcome per
 * request (`ok`, `status_429`, `hang`, `reset`, `stream_cut`, …), served at `GET /__stats`, and
 * `aborted`: requests whose client closed the connection before the answer was complete (a
 * gateway that cut a stream, gave up on a hang, or was cancelled).
 */

/** Outcome counters: `requests`, `ok`, and `status_<code>` or a fault kind. */
export type OutcomeCounts = Record<string, number> & { requests: number; ok: number };

export interface MockStats {
  models: Record<string, OutcomeCounts>;
  total: OutcomeCounts;
}

export class StatsRecorder {
  #models = new Map<string, OutcomeCounts>();

  /** Counts one request for `model` (use '(none)' when the body named none). */
  record(model: string, outcome: string): void {
    let counts = this.#models.get(model);
    if (!counts) {
      counts = { requests: 0, ok: 0 };
      this.#models.set(model, counts);
    }
    counts.requests++;
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }

  snapshot(): MockStats {
    const models: Record<string, OutcomeCounts> = {};
    const total: OutcomeCounts = { requests: 0, ok: 0 };
    for (const [model, counts] of this.#models) {
      models[model] = { ...counts };
      for (const [key, n] of Object.entries(counts)) total[key] = (total[key] ?? 0) + n;
    }
    return { models, total };
  }

  /** The client of a request for `model` left before its answer was complete. */
  aborted(model: string): void {
    const counts = this.#models.get(model);
    if (counts) counts.aborted = (counts.aborted ?? 0) + 1;
  }

  reset(): void {
    this.#models.clear();
  }
}
