/**
 * Admission requests for limiter tests, built on a real resolved config (openai and anthropic
 * providers) so targets and routes are the objects the engine hands over.
 */
import { resolveConfig, resolveRoute } from '../config/config-resolve.ts';
import type { ManualClock } from '../core/clock.ts';
import { Deadline } from '../core/deadline.ts';
import { type BreakwaterError, isBreakwaterError } from '../errors/index.ts';
import type { AdmissionRequest, Priority } from './admission.ts';
import type { LaneState } from './limit-lane.ts';
import type { LimitStateStore } from './limit-state-store.ts';

const config = resolveConfig(
  { providers: { openai: { apiKey: 'sk-test' }, anthropic: { apiKey: 'sk-ant-test' } } },
  { env: {} },
);

export const HI = Object.freeze({ messages: [{ role: 'user', content: 'hi' }] });

export interface AdmissionShape {
  /** `provider/model`. @default openai/gpt-4o */
  target?: string;
  /** The route name. @default the target */
  route?: string;
  body?: Record<string, unknown>;
  priority?: Priority;
  /** @default 60000 */
  deadlineMs?: number;
  deadline?: Deadline;
  signal?: AbortSignal;
  tenant?: string;
  keyId?: string;
}

export function admission(clock: ManualClock, shape: AdmissionShape = {}): AdmissionRequest {
  const id = shape.target ?? 'openai/gpt-4o';
  const route = resolveRoute(config, id)!;
  const target = route.tiers[0]![0]!;
  const dialect = target.provider.dialect;
  const body = shape.body ?? (dialect === 'anthropic' ? { ...HI, max_tokens: 16 } : HI);
  return {
    target,
    route: shape.route ? { ...route, name: shape.route } : route,
    dialect,
    request: { model: target.model, ...body },
    priority: shape.priority ?? 'normal',
    deadline: shape.deadline ?? Deadline.after(shape.deadlineMs ?? 60_000, clock),
    signal: shape.signal,
    tenant: shape.tenant,
    keyId: shape.keyId,
  };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<BreakwaterError> {
  try {
    await promise;
  } catch (error) {
    if (isBreakwaterError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** A state store in this process's memory: what a host's own store would keep between limiters. */
export class MemoryLimitStateStore implements LimitStateStore {
  readonly #states = new Map<string, LaneState>();

  load(scope: string): LaneState | undefined {
    const state = this.#states.get(scope);
    return state && structuredClone(state);
  }

  save(scope: string, state: LaneState): void {
    this.#states.set(scope, structuredClone(state));
  }

  get size(): number {
    return this.#states.size;
  }
}
