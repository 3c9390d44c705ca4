/**
 * The offered load for bench/goodput: a fixed, seeded mix of chat requests (short, medium and
 * long prompts with small max_tokens) sent open-loop at a steady rate for a number of seconds,
 * whatever the answers do — the way real traffic arrives. Each call's outcome is recorded with
 * its latency.
 */
import { estimateInputTokens } from '../src/mock/token-estimate.ts';

const WORDS = (
  'the limiter reserves tokens before sending each request and reconciles them with the usage ' +
  'reported by the provider after the answer arrives so bursts wait in a bounded queue instead ' +
  'of turning into errors while a deadline keeps every wait honest and the budget tracks spend ' +
  'per route and per tenant across days and months'
).split(' ');

/** Prompt sizes in words and how often each is drawn. */
const MIX: readonly (readonly [words: number, weight: number])[] = [
  [10, 0.4],
  [40, 0.35],
  [120, 0.25],
];
const MAX_TOKENS = [16, 24, 32];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface Offer {
  body: Record<string, unknown>;
  /** What the simulator charges against TPM: its prompt estimate plus max_tokens. */
  tokens: number;
}

/** `count` requests for `model`, the same for a given seed. */
export function makeOffers(count: number, model: string, seed = 7): Offer[] {
  const random = lcg(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const offers: Offer[] = [];
  for (let i = 0; i < count; i++) {
    let r = random();
    let words = MIX[0]![0];
    for (const [n, weight] of MIX) {
      words = n;
      r -= weight;
      if (r < 0) break;
    }
    const text = Array.from({ length: words }, () => pick(WORDS)).join(' ');
    const maxTokens = pick(MAX_TOKENS);
    const body = { model, max_tokens: maxTokens, messages: [{ role: 'user', content: text }] };
    offers.push({ body, tokens: estimateInputTokens(body) + maxTokens });
  }
  return offers;
}

/**
 * A burst that empties the simulator's buckets: one bucket's worth of requests, each costing
 * exactly `tpm / rpm` tokens by the simulator's estimate (so both limits drain together).
 */
export function makeDrain(rpm: number, tpm: number, model: string): Offer[] {
  const maxTokens = 20;
  const perRequest = Math.round(tpm / rpm);
  // The simulator counts ceil(chars / 4) + 6 for one message.
  const chars = (perRequest - maxTokens - 6) * 4;
  const content = 'word '.repeat(Math.ceil(chars / 5)).slice(0, chars);
  const body = { model, max_tokens: maxTokens, messages: [{ role: 'user', content }] };
  const tokens = estimateInputTokens(body) + maxTokens;
  return Array.from({ length: rpm }, () => ({ body, tokens }));
}

export interface CallResult {
  offer: Offer;
  ok: boolean;
  /** breakwater's error code, or the SDK's HTTP status as `status_<n>`. */
  code?: string;
  startedAt: number;
  latencyMs: number;
}

/**
 * Sends `offers` at `perSecond`, open loop (a tick every 10 ms sends what is due), and resolves
 * once every call has ended.
 */
export async function offerLoad(
  offers: readonly Offer[],
  perSecond: number,
  send: (offer: Offer) => Promise<{ ok: true } | { ok: false; code: string }>,
): Promise<CallResult[]> {
  const results: CallResult[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(
        offers.length,
        Math.floor(((performance.now() - start) * perSecond) / 1000),
      );
      for (; next < due; next++) {
        const offer = offers[next]!;
        const startedAt = performance.now();
        pending.push(
          send(offer).then((outcome) => {
            results.push({
              offer,
              ...outcome,
              startedAt,
              latencyMs: performance.now() - startedAt,
            });
          }),
        );
      }
      if (next >= offers.length) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  await Promise.all(pending);
  return results;
}
