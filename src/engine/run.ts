/**
 * One call on its way through the engine: the checked request, its route, its one deadline, the
 * caller's options, and the trail of every attempt made so far (the final error carries it).
 */
import type { ResolvedRoute, ResolvedTarget } from '../config/config-types.ts';
import type { Deadline } from '../core/deadline.ts';
import type { DialectName } from '../dialects/dialect-name.ts';
import type { AttemptRecord, BreakwaterError, ErrorCode } from '../errors/index.ts';
import type { AttemptStart, CallInfo } from './engine-events.ts';
import type { CallOptions } from './engine-types.ts';
import type { WireRequest } from './request-check.ts';

export interface Run {
  request: WireRequest;
  dialect: DialectName;
  route: ResolvedRoute;
  stream: boolean;
  /** The limit a target that requires one gets when the request names none (route's, capped). */
  defaultMaxTokens: number;
  deadline: Deadline;
  options: CallOptions;
  trail: AttemptRecord[];
  cacheKey: string | undefined;
  /** Given a delivered stream's whole answer in the caller's dialect, once it ended cleanly. */
  onAnswer?: (answer: unknown) => void;
  /** The call as telemetry knows it; undefined while nobody listens (engine/observe.ts). */
  call?: CallInfo;
  /** Targets too small for the prompt (preflight's context check): skipped without a call. */
  skip?: ReadonlySet<ResolvedTarget>;
}

/**
 * Adds an attempt to the run's trail and tells whoever listens: with the attempt's error, the
 * `attempt:start` message it began with, and its time to first byte, when there are such.
 */
export type Recorder = (
  run: Run,
  record: AttemptRecord,
  error?: BreakwaterError,
  start?: AttemptStart,
  firstByteMs?: number,
) => void;

/** The trail entry of an attempt that was never sent: the breaker, the limiter or the shape refused it. */
export function skipped(targetId: string, tier: number, code: ErrorCode): AttemptRecord {
  return { target: targetId, tier, result: 'skipped', code, latencyMs: 0 };
}
