/**
 * Metric label values with a bound: a route or target name comes from the config, or it is
 * folded into one value. Clients may name any `provider/model`; each such name becoming a label
 * would grow the metrics without end (and a typo would become a series), so only configured
 * routes and targets keep their names: another model of a configured provider is
 * `<provider>/other`, anything else `other`. No request id, tenant or free text is ever a label.
 */
import type { ResolvedConfig } from '../config/config-types.ts';

export const OTHER = 'other';

/** HTTP statuses kept as they are; any other is reported by its class (`5xx`). */
const KNOWN_STATUSES = new Set([
  200, 400, 401, 403, 404, 408, 409, 413, 422, 429, 499, 500, 502, 503, 504, 520, 521, 522, 523,
  524, 529,
]);

export function statusLabel(status: number | undefined): string {
  if (status === undefined) return 'none';
  return KNOWN_STATUSES.has(status) ? String(status) : statusClass(status);
}

export function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

export class Labels {
  readonly #routes: ReadonlySet<string>;
  readonly #targets: ReadonlySet<string>;
  readonly #providers: ReadonlySet<string>;
  readonly #memo = new Map<string, string>();

  constructor(config: Pick<ResolvedConfig, 'routes' | 'providers'>) {
    const targets = new Set<string>();
    for (const route of config.routes.values()) {
      for (const tier of route.tiers) for (const t of tier) targets.add(t.id);
      if (route.contextFallback) targets.add(route.contextFallback.id);
    }
    this.#routes = new Set(config.routes.keys());
    this.#targets = targets;
    this.#providers = new Set(config.providers.keys());
  }

  /** Every configured target, for series that should exist before the first call. */
  get targets(): ReadonlySet<string> {
    return this.#targets;
  }

  get routes(): ReadonlySet<string> {
    return this.#routes;
  }

  /** A route name as a label: configured routes and targets as they are, others folded. */
  route(name: string): string {
    return this.#routes.has(name) ? name : this.target(name);
  }

  /** A `provider/model` as a label. */
  target(id: string | undefined): string {
    if (id === undefined || id === '') return 'none';
    if (this.#targets.has(id)) return id;
    let label = this.#memo.get(id);
    if (label === undefined) {
      const slash = id.indexOf('/');
      const provider = slash === -1 ? '' : id.slice(0, slash);
      label = this.#providers.has(provider) ? `${provider}/${OTHER}` : OTHER;
      // Names come from clients: remember a bounded number of them.
      if (this.#memo.size >= 1024) this.#memo.clear();
      this.#memo.set(id, label);
    }
    return label;
  }

  /** A fallback destination: a target, or `cache`, `static`, `panic`. */
  destination(to: string): string {
    return to === 'cache' || to === 'static' || to === 'panic' ? to : this.target(to);
  }
}
