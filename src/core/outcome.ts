/**
 * Outcomes inside the engine are values, not exceptions: a policy decides from `error.code` and
 * friends without try/catch around every step.
 */
import type { BreakwaterError } from '../errors/index.ts';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: BreakwaterError };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function failure<T = never>(error: BreakwaterError): Outcome<T> {
  return { ok: false, error };
}
