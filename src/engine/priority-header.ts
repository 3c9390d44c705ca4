/**
 * `x-breakwater-priority: high | normal | low` — the caller's place in the limiter's queue,
 * read the same way by `client.fetch` and the gateway.
 */
import { RejectedError } from '../errors/index.ts';
import type { Priority } from '../limiter/admission.ts';

const PRIORITIES: readonly Priority[] = ['high', 'normal', 'low'];

export function parsePriority(value: string | undefined): Priority | undefined {
  if (value === undefined || value === '') return undefined;
  const priority = value.trim().toLowerCase() as Priority;
  if (PRIORITIES.includes(priority)) return priority;
  throw new RejectedError(
    'validation',
    `x-breakwater-priority must be high, normal or low, got "${value.slice(0, 40)}"`,
    { param: 'x-breakwater-priority' },
  );
}
