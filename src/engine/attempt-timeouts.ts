/**
 * The attempt's timers. A long non-streaming generation is not a hang — its first byte comes
 * only when it is done — so the static first-byte limit grows with max_tokens. Once the
 * target has answered enough, an attempt slower than 3 × its recent p99 is taken for a hang
 * (policy/latency-tracker.ts); the final attempt always gets the full static limit, so a slow
 * but valid answer still comes through.
 */
import { firstByteTimeoutFor } from '../upstream/first-byte-timeout.ts';
import type { Bridge } from './bridge.ts';
import type { Run } from './run.ts';
import type { TargetState } from './target-state.ts';

export interface AttemptTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
}

export function attemptTimeouts(
  run: Run,
  bridge: Bridge,
  state: TargetState,
  final: boolean,
): AttemptTimeouts {
  const t = run.route.policy.timeouts;
  const ceiling = run.stream
    ? t.firstByteMs
    : Math.max(
        t.firstByteMs,
        firstByteTimeoutFor({ maxTokens: bridge.caller.maxTokens(run.request), stream: false }),
      );
  const tracker = run.stream ? state.firstByte.stream : state.firstByte.whole;
  const firstByteMs = final ? ceiling : tracker.timeoutMs(ceiling);
  return { connectMs: t.connectMs, firstByteMs, idleMs: t.idleMs };
}
