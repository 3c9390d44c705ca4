/**
 * A connect timeout around any undici connector. undici's own `buildConnector({ timeout })` has
 * one, but a connector injected by the caller (a proxy tunnel, a test double) may not, so the pool
 * wraps injected connectors with this. If the base connector has not called back within
 * `timeoutMs`, the dial fails with undici's `ConnectTimeoutError` (`UND_ERR_CONNECT_TIMEOUT`), the
 * same error undici's own timer raises, so one classifier path names it: a `timeout` in phase
 * `connect`. A socket that turns up after the timer fired is destroyed, never leaked.
 */
import type { Socket } from 'node:net';
import { type buildConnector, errors } from 'undici';
import { type Clock, systemClock } from '../core/clock.ts';

export type Connector = buildConnector.connector;

/** `base`, failing any dial that takes longer than `timeoutMs` (0 or less: no limit). */
export function withConnectTimeout(
  base: Connector,
  timeoutMs: number,
  clock: Clock = systemClock,
): Connector {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return base;
  return (options, callback) => {
    let settled = false;
    const timer = new AbortController();
    clock.sleep(timeoutMs, timer.signal).then(
      () => {
        if (settled) return;
        settled = true;
        const where = `${options.hostname}:${options.port || defaultPort(options.protocol)}`;
        callback(
          new errors.ConnectTimeoutError(
            `Connect Timeout Error (attempted address: ${where}, timeout: ${timeoutMs}ms)`,
          ),
          null,
        );
      },
      () => {}, // the dial finished first
    );
    base(options, (err, socket) => {
      if (settled) {
        (socket as Socket | null)?.destroy();
        return;
      }
      settled = true;
      timer.abort();
      if (err) callback(err, null);
      else callback(null, socket!);
    });
  };
}

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}
