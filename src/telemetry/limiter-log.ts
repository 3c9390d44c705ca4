/**
 * Writes the limiter's announcements to the log: throttling after a provider 429 or Slow Down,
 * limits learned from headers, rejections before sending, leases that had to expire, and budget
 * thresholds — structured fields only. `admitted` and `queued` are left out: they happen on every request (the debug attempt lines
 * and the metrics show waits).
 */
import type { LimiterEvent } from '../limiter/limiter-events.ts';

type Write = (fields: Record<string, unknown>, message: string) => void;

export function logLimiterEvent(logger: { info: Write; warn: Write }, event: LimiterEvent): void {
  switch (event.type) {
    case 'admitted':
    case 'queued':
      return;
    case 'rejected':
      logger.info(
        { event: 'limiter', ...event },
        `limiter refused a call to ${event.target}: ${event.code}`,
      );
      return;
    case 'throttled':
      logger.warn(
        { event: 'limiter', ...event },
        `${event.target} answered ${event.reason}; admitted rate now ${Math.round(event.factor * 100)}% of its limit`,
      );
      return;
    case 'limits_adopted':
      logger.info(
        { event: 'limiter', ...event },
        `limits of ${event.target} taken from its headers`,
      );
      return;
    case 'lease_expired':
      logger.warn(
        { event: 'limiter', ...event },
        `a reservation on ${event.target} was never settled; expired`,
      );
      return;
    case 'budget_threshold':
      logger.warn(
        { event: 'budget', ...event },
        `${event.scope} budget ${event.name} (${event.window}) crossed ${Math.round(event.threshold * 100)}%`,
      );
      return;
    case 'budget_exceeded':
      logger.warn(
        { event: 'budget', ...event },
        `${event.scope} budget ${event.name} (${event.window}) exhausted: calls stop until it resets`,
      );
      return;
    case 'unpriced_model':
      logger.warn(
        { event: 'budget', ...event },
        `no price known for ${event.target}: its spend is charged at the configured unpriced rate`,
      );
      return;
  }
}
