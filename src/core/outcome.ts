/**
 * Outcomes inside the engine are values, not exceptions: a policy decides from `error.code` and
 * friends without try/catch around every step.
 */
import { classifyNetworkError } from '../errors/classify/network.ts';
import type { BreakwaterError } from '../errors/index.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: BreakwaterError };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T = never>(error: BreakwaterError): Outcome<T> {
  return { ok: false, error };
}

/** Runs `fn`, turning anything it throws into a classified failure. */
export async function settle<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: classifyNetworkError(err) };
  }
}
