/**
 * `GET /readyz`: may this instance take traffic? The config is loaded (it is, or the gateway
 * would not exist), the gateway is not draining for shutdown, and every store it depends on
 * answers. A store (Redis, …) plugs in as a `ReadinessCheck`; each check gets a time limit, so a
 * store that hangs makes the instance not ready instead of hanging the probe.
 *
 * A check may also answer `{ degraded }`: the instance still serves, on a lesser footing (a
 * fleet's Redis is down and each gateway serves its share of the limits). It stays ready — taking
 * it out of rotation would only move its traffic onto gateways in the same state — and says so.
 */

export interface ReadinessCheck {
  /** Shown in the answer, e.g. `redis`. */
  readonly name: string;
  /** Resolves when reachable; rejects (or resolves `false`) when not; `{ degraded }` when serving less well. */
  check(signal: AbortSignal): Promise<CheckAnswer> | CheckAnswer;
}

type CheckAnswer = boolean | undefined | { degraded: string };

export interface Readiness {
  ready: boolean;
  /** Ready, with at least one check degraded. */
  degraded: boolean;
  checks: Record<string, 'ok' | string>;
}

const DEGRADED = 'degraded: ';

/** How long one check may take. */
const READINESS_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<'ok' | string> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => check.check(controller.signal)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new Error(`no answer in ${timeoutMs} ms`);
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      }),
    ]);
    if (typeof result === 'object') return `${DEGRADED}${result.degraded}`;
    return result === false ? 'not reachable' : 'ok';
  } catch (err) {
    return err instanceof Error ? err.message : 'not reachable';
  } finally {
    clearTimeout(timer);
  }
}

export async function readiness(
  checks: readonly ReadinessCheck[],
  draining: boolean,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<Readiness> {
  const results: Record<string, string> = { config: 'ok' };
  if (draining) results.shutdown = 'draining: not taking new requests';
  const outcomes = await Promise.all(checks.map((c) => runCheck(c, timeoutMs)));
  checks.forEach((c, i) => {
    results[c.name] = outcomes[i]!;
  });
  const values = Object.values(results);
  const degraded = values.some((r) => r.startsWith(DEGRADED));
  const ready = values.every((r) => r === 'ok' || r.startsWith(DEGRADED));
  return { ready, degraded, checks: results };
}
