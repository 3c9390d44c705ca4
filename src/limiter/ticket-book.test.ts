import { describe, expect, it } from 'vitest';
import { ZERO_COST } from './request-cost.ts';
import { TicketBook } from './ticket-book.ts';

const noop = () => {};

describe('TicketBook.expired', () => {
  it('lists the tickets past their expiry, oldest first, whatever was released or added since', () => {
    const book = new TicketBook();
    const a = book.hold(ZERO_COST, 0, 100, 0, noop);
    const b = book.hold(ZERO_COST, 0, 200, 0, noop);
    const c = book.hold(ZERO_COST, 0, 150, 0, noop);
    expect(book.expired(99)).toEqual([]);
    book.release(a);
    expect(book.expired(120)).toEqual([]);
    expect(book.expired(250)).toEqual([c, b]);
    book.release(b);
    book.release(c);
    const d = book.hold(ZERO_COST, 0, 40, 10, noop);
    expect(book.expired(49)).toEqual([]);
    expect(book.expired(50)).toEqual([d]);
  });
});
