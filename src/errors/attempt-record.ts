/**
 * One line of "what was tried": every attempt (and every target skipped) on the way to an answer
 * or a failure. The final error of a failed call carries the whole list so a person sees where
 * the time and the attempts went.
 */
import type { ErrorCode } from './codes.ts';

export interface AttemptRecord {
  /** `provider/model`. */
  target: string;
  /** 0-based index of the tier the target belongs to; -1 for a context-window fallback. */
  tier: number;
  /** `ok`, `error`, or `skipped` (breaker open, limiter) without an upstream call. */
  result: 'ok' | 'error' | 'skipped';
  code?: ErrorCode;
  /** The upstream HTTP status, when one came back. */
  status?: number;
  latencyMs: number;
  /** The upstream's own request id, when it sent one. */
  requestId?: string;
  /** Made in panic mode: every tier was ejected, so this one was tried past its open breaker. */
  panic?: true;
  /** A hedge: started beside a slow attempt and racing it; the first usable answer won. */
  hedge?: boolean;
}

/** "openai/gpt-4o 503 unavailable (12 ms), anthropic/claude-sonnet-4-5 skipped circuit_open". */
export function describeAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts
    .map((a) => {
      const target = a.panic ? `${a.target} (panic)` : a.hedge ? `${a.target} (hedge)` : a.target;
      if (a.result === 'ok') return `${target} ok (${Math.round(a.latencyMs)} ms)`;
      if (a.result === 'skipped') return `${target} skipped ${a.code ?? ''}`.trim();
      const status = a.status === undefined ? '' : `${a.status} `;
      return `${target} ${status}${a.code ?? 'error'} (${Math.round(a.latencyMs)} ms)`;
    })
    .join(', ');
}
