/**
 * A limit scope's buckets when a fleet shares them through a store (Redis): every take and every
 * settlement is one atomic round trip to the store, and the lane keeps a mirror — the levels the
 * store last answered, refilled locally — for its wait estimates, its status and as the seed of
 * a bucket the store lost.
 *
 * When the store fails or is slow (its health turns degraded), the scope is served on a local
 * view: its share of every limit (the factor divided by the fleet size), starting from the same
 * share of the last levels the store answered — so N gateways together admit the limit, never N
 * times it. Everything charged meanwhile (takes, reconciliations, refunds) is counted, and when
 * the store is back the lane rejoins it with one charge of that count: each admission is charged
 * to the shared buckets exactly once. A store that came back empty is seeded from this lane's
 * share times the fleet size (and the other gateways' counts then still subtract: conservative
 * for a moment, never over the limit). Settlements apply wherever the scope's state is at the
 * time, which keeps that arithmetic whole.
 */
import type { Clock } from '../core/clock.ts';
import type { BucketCharge, BucketReply, BucketTake } from '../store/bucket-store.ts';
import type { FleetState } from '../store/fleet-state.ts';
import type { LimitBuckets } from './limit-buckets.ts';
import { LimitBuckets as Buckets } from './limit-buckets.ts';
import { type Cost, DIMENSIONS, type Dimension, ZERO_COST } from './request-cost.ts';

export interface TakeOutcome {
  ok: boolean;
}

/** A settlement's changes to the buckets. */
export interface SharedCharge {
  delta: Cost;
  /** Dimensions the provider's headers lowered (on the mirror); their new level is sent. */
  lowered: readonly Dimension[];
  /** Epoch ms to block the scope until (a provider's Retry-After), or 0. */
  blockUntil: number;
}

export class SharedBuckets {
  readonly #scope: string;
  readonly #fleet: FleetState;
  readonly #clock: Clock;
  /** The lane's buckets: the store's levels as last answered, refilled since. */
  readonly #mirror: LimitBuckets;
  /** The local view while the store is (or was, until rejoined) down. */
  #share: LimitBuckets | undefined;
  /** Charged to the share since the store went down; charged to the store on rejoining. */
  #consumed: Cost = { ...ZERO_COST };
  /** The store's recovery count when this scope left it. */
  #leftAt = 0;
  #rejoining: Promise<void> | undefined;

  constructor(scope: string, fleet: FleetState, clock: Clock, mirror: LimitBuckets) {
    this.#scope = scope;
    this.#fleet = fleet;
    this.#clock = clock;
    this.#mirror = mirror;
  }

  /** Whether the scope is served on its local share now. */
  get local(): boolean {
    return this.#share !== undefined;
  }

  /** The buckets admission is judged against now: the share when local, else the mirror. */
  get current(): LimitBuckets {
    return this.#share ?? this.#mirror;
  }

  /** Takes `cost` now if every bucket can pay; one round trip unless local. */
  async take(cost: Cost): Promise<TakeOutcome> {
    await this.#maybeRejoin();
    if (!this.#share && !this.#fleet.health.degraded) {
      try {
        const reply = await this.#fleet.buckets.take(
          this.#scope,
          this.#clock.now(),
          this.#takes(cost),
        );
        this.#mirrorReply(reply);
        return { ok: reply.ok };
      } catch {
        // The store is down (the connection reported it): the local share from here on.
      }
    }
    const share = this.#leave();
    if (!share.take(cost)) return { ok: false };
    this.#count(cost);
    return { ok: true };
  }

  /** Applies a settlement; resolves once the buckets it changed are known. */
  async charge(change: SharedCharge): Promise<void> {
    await this.#maybeRejoin();
    const mirror = this.#mirror;
    if (!this.#share && !this.#fleet.health.degraded) {
      const buckets: BucketCharge[] = [];
      for (const dim of DIMENSIONS) {
        const shape = mirror.shape(dim);
        if (!shape) continue;
        const amount = change.delta[dim];
        const lowered = change.lowered.includes(dim);
        if (amount === 0 && !lowered) continue;
        buckets.push({
          name: dim,
          capacity: shape.capacity,
          refillPerMs: shape.refillPerMs,
          seed: mirror.level(dim),
          amount,
          lowerTo: lowered ? mirror.level(dim) : undefined,
        });
      }
      if (buckets.length === 0 && change.blockUntil <= mirror.blockedUntil) return;
      try {
        const reply = await this.#fleet.buckets.charge(
          this.#scope,
          this.#clock.now(),
          buckets,
          change.blockUntil,
        );
        this.#mirrorReply(reply, buckets);
        return;
      } catch {
        // Down: apply it to the local share below.
      }
    }
    const share = this.#leave();
    for (const dim of DIMENSIONS) share.charge(dim, change.delta[dim]);
    this.#count(change.delta);
    for (const dim of change.lowered) share.lowerTo(dim, mirror.level(dim) / this.#fleetSize());
    share.blockedUntil = Math.max(share.blockedUntil, change.blockUntil);
  }

  /**
   * The expected wait for a line of requests costing `line` in all: from the share when local;
   * else from the mirror, with the refill split among the fleet (the others draw on it too).
   */
  lineWaitMs(line: Cost): number {
    if (this.#share) return this.#share.lineWaitMs(line);
    const mirror = this.#mirror;
    const blockMs = Math.max(0, mirror.blockedUntil - this.#clock.now());
    return Math.max(blockMs, mirror.lineWaitMs(line) * this.#fleetSize());
  }

  /** Scales the buckets to the adaptive factor (the share by the fleet size too). */
  setFactor(factor: number): void {
    this.#mirror.setFactor(factor);
    this.#share?.setFactor(factor / this.#fleetSize());
  }

  #fleetSize(): number {
    return Math.max(1, this.#fleet.fleetSize());
  }

  #takes(cost: Cost): BucketTake[] {
    const mirror = this.#mirror;
    const out: BucketTake[] = [];
    for (const dim of DIMENSIONS) {
      const shape = mirror.shape(dim);
      if (!shape) continue;
      out.push({
        name: dim,
        capacity: shape.capacity,
        refillPerMs: shape.refillPerMs,
        seed: mirror.level(dim),
        cost: cost[dim],
        need: mirror.need(dim, cost[dim]),
      });
    }
    return out;
  }

  #mirrorReply(reply: BucketReply, order?: readonly BucketCharge[]): void {
    const mirror = this.#mirror;
    let i = 0;
    if (order) {
      for (const b of order) mirror.setLevel(b.name as Dimension, reply.levels[i++]!);
    } else {
      for (const dim of DIMENSIONS) {
        if (mirror.shape(dim)) mirror.setLevel(dim, reply.levels[i++]!);
      }
    }
    mirror.blockedUntil = reply.blockedUntil;
  }

  #count(cost: Cost): void {
    const c = this.#consumed;
    c.requests += cost.requests;
    c.tokens += cost.tokens;
    c.input += cost.input;
    c.output += cost.output;
  }

  /** The local share, made from the mirror when the scope first leaves the store. */
  #leave(): LimitBuckets {
    if (this.#share) return this.#share;
    const mirror = this.#mirror;
    const n = this.#fleetSize();
    const limits: Partial<Record<Dimension, number>> = {};
    for (const dim of DIMENSIONS) limits[dim] = mirror.limit(dim);
    const share = new Buckets(limits, this.#clock);
    share.setFactor(mirror.factor / n);
    for (const dim of DIMENSIONS) {
      if (mirror.shape(dim)) share.setLevel(dim, mirror.level(dim) / n);
    }
    share.blockedUntil = mirror.blockedUntil;
    this.#share = share;
    this.#consumed = { ...ZERO_COST };
    this.#leftAt = this.#fleet.health.generation;
    return share;
  }

  /** Back to the store once it has recovered since this scope left it. */
  #maybeRejoin(): Promise<void> | undefined {
    if (!this.#share || this.#fleet.health.degraded) return undefined;
    if (this.#fleet.health.generation === this.#leftAt) return undefined;
    this.#rejoining ??= this.#rejoin().finally(() => {
      this.#rejoining = undefined;
    });
    return this.#rejoining;
  }

  async #rejoin(): Promise<void> {
    const share = this.#share!;
    const mirror = this.#mirror;
    const consumed = this.#consumed;
    const n = this.#fleetSize();
    const buckets: BucketCharge[] = [];
    for (const dim of DIMENSIONS) {
      const shape = mirror.shape(dim);
      if (!shape) continue;
      buckets.push({
        name: dim,
        capacity: shape.capacity,
        refillPerMs: shape.refillPerMs,
        // A store that lost the bucket starts from the fleet's level as seen from here: the
        // share times the fleet size, before this lane's own count is charged.
        seed: share.level(dim) * n + consumed[dim],
        amount: consumed[dim],
      });
    }
    try {
      const reply = await this.#fleet.buckets.charge(
        this.#scope,
        this.#clock.now(),
        buckets,
        share.blockedUntil,
      );
      this.#share = undefined;
      this.#consumed = { ...ZERO_COST };
      this.#mirrorReply(reply, buckets);
    } catch {
      // Down again: stay local; the next recovery tries again.
      this.#leftAt = this.#fleet.health.generation;
    }
  }
}
