/**
 * `GET /readyz`: may this instance take traffic? The config is loaded (it is, or the gateway
 * would not exist), the gateway is not draining for shutdown, and every store it depends on
 * answers. A store (Redis, …) plugs in as a `ReadinessCheck`; each check gets a time limit, so a
 * store that hangs makes the instance not ready instead of hanging the probe.
 */

export interface ReadinessCheck {
  /** Shown in the answer, e.g. `redis`. */
  readonly name: string;
  /** Resolves when reachable; rejects (or resolves `false`) when not. */
  check(signal: AbortSignal): Promise<boolean | undefined> | boolean | undefined;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, 'ok' | string>;
}

/** How long one check may take. */
export const READINESS_TIMEOUT_MS = 2_000;

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
  return { ready: Object.values(results).every((r) => r === 'ok'), checks: results };
}
