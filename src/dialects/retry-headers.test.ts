import { describe, expect, it } from 'vitest';
import {
  parseRequestId,
  parseRetryAfterMs,
  parseRetryHintFromMessage,
  parseShouldRetry,
} from './retry-headers.ts';

const now = Date.parse('2026-11-22T10:00:00Z');

describe('parseRetryAfterMs', () => {
  it('reads retry-after-ms first, as float milliseconds', () => {
    expect(parseRetryAfterMs({ 'retry-after-ms': '1500.5', 'retry-after': '9' }, now)).toBe(1500.5);
  });

  it('reads retry-after as seconds', () => {
    expect(parseRetryAfterMs(new Headers({ 'Retry-After': '2' }), now)).toBe(2000);
    expect(parseRetryAfterMs({ 'retry-after': '0.25' }, now)).toBe(250);
  });

  it('reads retry-after as an HTTP date, and a past date as now', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfterMs({ 'retry-after': 'Sun, 22 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
  });

  it('gives undefined for garbage, negatives and absence', () => {
    expect(parseRetryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfterMs({ 'retry-after-ms': '-5' }, now)).toBeUndefined();
    expect(parseRetryAfterMs({}, now)).toBeUndefined();
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });
});

describe('parseShouldRetry', () => {
  it('accepts exactly "true" and "false"', () => {
    expect(parseShouldRetry({ 'x-should-retry': 'true' })).toBe(true);
    expect(parseShouldRetry({ 'x-should-retry': 'false' })).toBe(false);
    expect(parseShouldRetry({ 'x-should-retry': 'TRUE' })).toBeUndefined();
  });
});

describe('parseRequestId', () => {
  it('reads both providers’ headers', () => {
    expect(parseRequestId({ 'x-request-id': 'req_a' })).toBe('req_a');
    expect(parseRequestId({ 'request-id': 'req_b' })).toBe('req_b');
  });
});

describe('parseRetryHintFromMessage', () => {
  it('reads the hint OpenAI puts in 429 messages', () => {
    expect(parseRetryHintFromMessage('… Requested 3006. Please try again in 1.146s. Visit …')).toBe(
      1146,
    );
    expect(parseRetryHintFromMessage('Please try again in 84ms.')).toBe(84);
    expect(parseRetryHintFromMessage('Please try again in 6m0s.')).toBe(360_000);
    expect(parseRetryHintFromMessage('Rate limit reached')).toBeUndefined();
  });
});
