/**
 * The tickets a limit lane has handed out and not yet seen settled: what holds a concurrency
 * slot. Each ticket carries when it expires — its deadline plus a grace period — so a settlement
 * that never comes (a lost callback, a crashed stream reader) cannot hold a slot for good: the
 * lane expires it through its owner, who charges the worst case and frees everything.
 */
import type { Cost } from './request-cost.ts';

/** An admitted request's hold on the lane, until settled. */
export interface Ticket {
  readonly cost: Cost;
  /** Clock time it was admitted. */
  readonly sentAt: number;
  readonly deadlineAt: number;
  readonly expiresAt: number;
  settled: boolean;
  /** Called when the ticket outlived its deadline and grace without being settled. */
  readonly expire: () => void;
}

const NONE: readonly Ticket[] = Object.freeze([]);

export class TicketBook {
  readonly #held = new Set<Ticket>();
  /**
   * No held ticket expires before this (a lower bound: releasing a ticket leaves it as it is).
   * The lane asks for expired tickets on every admission; with this the answer is almost always
   * "none" without looking at each ticket in flight.
   */
  #earliest = Number.POSITIVE_INFINITY;

  get size(): number {
    return this.#held.size;
  }

  hold(
    cost: Cost,
    sentAt: number,
    deadlineAt: number,
    graceMs: number,
    expire: () => void,
  ): Ticket {
    const ticket: Ticket = {
      cost,
      sentAt,
      deadlineAt,
      expiresAt: deadlineAt + graceMs,
      settled: false,
      expire,
    };
    this.#held.add(ticket);
    if (ticket.expiresAt < this.#earliest) this.#earliest = ticket.expiresAt;
    return ticket;
  }

  /** Marks `ticket` settled; `false` when it already was. */
  release(ticket: Ticket): boolean {
    if (ticket.settled) return false;
    ticket.settled = true;
    this.#held.delete(ticket);
    return true;
  }

  /** Tickets past their expiry at `now`, oldest first. */
  expired(now: number): readonly Ticket[] {
    if (now < this.#earliest) return NONE;
    const out: Ticket[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const ticket of this.#held) {
      if (ticket.expiresAt <= now) out.push(ticket);
      else if (ticket.expiresAt < earliest) earliest = ticket.expiresAt;
    }
    this.#earliest = earliest;
    return out.sort((a, b) => a.expiresAt - b.expiresAt);
  }

  /** When the first held ticket expires; `Infinity` with none. */
  firstExpiry(): number {
    let first = Number.POSITIVE_INFINITY;
    for (const ticket of this.#held) first = Math.min(first, ticket.expiresAt);
    return first;
  }
}
