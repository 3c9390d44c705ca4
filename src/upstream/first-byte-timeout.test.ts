import { describe, expect, it } from 'vitest';
import { FIRST_BYTE_TIMEOUT_RULE, firstByteTimeoutFor } from './first-byte-timeout.ts';

describe('firstByteTimeoutFor', () => {
  it('gives streaming requests a tight limit whatever max_tokens says', () => {
    expect(firstByteTimeoutFor({ stream: true })).toBe(30_000);
    expect(firstByteTimeoutFor({ stream: true, maxTokens: 64_000 })).toBe(30_000);
  });

  it('grows a non-streaming limit with max_tokens by Anthropic’s 1 h per 128k tokens rule', () => {
    expect(firstByteTimeoutFor({ maxTokens: 0 })).toBe(30_000);
    expect(firstByteTimeoutFor({ maxTokens: 1_024 })).toBe(58_800);
    expect(firstByteTimeoutFor({ maxTokens: 4_096 })).toBe(145_200);
    expect(firstByteTimeoutFor({ maxTokens: 16_000 })).toBe(480_000);
  });

  it('caps at 10 minutes, and uses the cap when max_tokens is unknown', () => {
    expect(firstByteTimeoutFor({ maxTokens: 20_267 })).toBe(600_000);
    expect(firstByteTimeoutFor({ maxTokens: 128_000 })).toBe(600_000);
    expect(firstByteTimeoutFor({})).toBe(600_000);
    expect(firstByteTimeoutFor({ maxTokens: Number.NaN })).toBe(600_000);
  });

  it('takes a custom rule', () => {
    const rule = { ...FIRST_BYTE_TIMEOUT_RULE, baseMs: 1_000, perTokenMs: 10, maxMs: 5_000 };
    expect(firstByteTimeoutFor({ maxTokens: 100 }, rule)).toBe(2_000);
    expect(firstByteTimeoutFor({ maxTokens: 1_000 }, rule)).toBe(5_000);
  });
});
