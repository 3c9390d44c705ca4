/**
 * The drills of the resilience bench — flaky, outage and hangs as issue 3 defines them, clean
 * (issue 16: no fault at all, where no hedge may fire) and failing35 (issue 11: both tiers fail a
 * third of their calls, where breakers must not turn a partial failure into a total one) — with
 * the simulator scenario
 * written out here (rather than read from `scenarios/*.yaml`) so the figures do not move when
 * those files are tuned for demos. Latency is small but never zero — 20 ms plus up to 30 ms of
 * seeded jitter, nothing per token — so latency ratios mean something.
 *
 * Every contender in a drill sends the same requests on the same schedule; the SDK contenders
 * call the primary model directly, breakwater calls a route whose first tier is that model.
 * Beside breakwater with its defaults runs breakwater with hedging and eager failover off (the
 * engine as it was before them), so what they change is read off one run.
 */
import type { PolicyConfig } from '../src/config/config-types.ts';
import type { Latency, Scenario } from '../src/mock/index.ts';

export const PRIMARY = 'gpt-primary';
export const SECONDARY = 'gpt-secondary';

export type ScenarioName = 'flaky' | 'outage' | 'hangs' | 'clean' | 'failing35';
export const SCENARIO_NAMES: readonly ScenarioName[] = [
  'flaky',
  'outage',
  'hangs',
  'clean',
  'failing35',
];

/** breakwater's label with the defaults: the row the targets judge. */
export const BREAKWATER = 'breakwater';
/** The same engine with hedging and eager failover off. */
export const WITHOUT_TAIL = 'breakwater, hedging + eager failover off';
/** The policy of that row: no hedge, and every wait slept on the same target. */
export const WITHOUT_TAIL_POLICY: PolicyConfig = Object.freeze({
  hedge: { enabled: false },
  retry: { failoverAfterMs: 3_600_000 },
});

/** Who sends the requests. */
export type ContenderSpec =
  | {
      kind: 'breakwater';
      label: string;
      /** The route's tiers, as `provider/model`. */
      tiers: readonly string[];
      /** Over the production defaults. */
      policy?: PolicyConfig;
      /** Count the primary's attempts per open period of its breaker. */
      watchBreaker?: boolean;
    }
  | {
      kind: 'sdk';
      label: string;
      model: string;
      maxRetries: number;
    };

export interface BenchScenario {
  name: ScenarioName;
  /** The drill in one sentence, as the issue puts it. */
  summary: string;
  simulator: Scenario;
  /** Defaults for `--requests`, `--concurrency` and `--duration` (seconds). */
  load: { requests: number; concurrency: number; durationS: number };
  /** Why the load has that shape. */
  loadNote: string;
  contenders: readonly ContenderSpec[];
}

const latency: Latency = { fixedMs: 20, jitterMs: 30, perTokenMs: 0 };
const twoTiers = [`openai/${PRIMARY}`, `openai/${SECONDARY}`] as const;
const withoutTail: ContenderSpec = {
  kind: 'breakwater',
  label: WITHOUT_TAIL,
  tiers: twoTiers,
  policy: WITHOUT_TAIL_POLICY,
};
const sdk = (maxRetries: number, model = PRIMARY): ContenderSpec => ({
  kind: 'sdk',
  label:
    maxRetries === 0 ? `${model} alone, SDK (reference)` : `openai SDK, maxRetries ${maxRetries}`,
  model,
  maxRetries,
});

const flaky: BenchScenario = {
  name: 'flaky',
  summary:
    '20% of attempts fail with 500/503 (529 in the Anthropic dialect), 5% get a 429 with Retry-After: 1',
  simulator: {
    default: {
      latency,
      // scenarios/flaky.yaml's faults: one draw per attempt, so the shares add up.
      faults: [
        { kind: 'status', status: 500, probability: 0.07 },
        { kind: 'status', status: 503, probability: 0.07 },
        { kind: 'status', status: 503, probability: 0.06, dialect: 'openai' },
        { kind: 'status', status: 529, probability: 0.06, dialect: 'anthropic' },
        { kind: 'status', status: 429, probability: 0.05, retryAfterS: 1 },
      ],
    },
  },
  load: { requests: 2000, concurrency: 64, durationS: 20 },
  loadNote: 'both tiers are flaky; the one-tier row shows what retries alone reach',
  contenders: [
    { kind: 'breakwater', label: BREAKWATER, tiers: twoTiers },
    withoutTail,
    // The backoff base is the seeds' 1 s; the official SDKs' first wait is 0.5 s. With both tiers
    // flaky, a call that meets a 1 s Retry-After on one tier waits out the other's backoff: this
    // row shows what the base alone moves in the tail.
    {
      kind: 'breakwater',
      label: 'breakwater, retry.baseMs 500',
      tiers: twoTiers,
      policy: { retry: { baseMs: 500 } },
    },
    { kind: 'breakwater', label: 'breakwater, primary tier only', tiers: [twoTiers[0]] },
    sdk(2),
    sdk(5),
  ],
};

const outage: BenchScenario = {
  name: 'outage',
  summary: `${PRIMARY} answers 503 for the whole run; ${SECONDARY} is healthy`,
  simulator: {
    default: { latency },
    models: { [PRIMARY]: { down: [{ fromS: 0 }] } },
  },
  load: { requests: 2000, concurrency: 512, durationS: 65 },
  loadNote:
    'spread out so the breaker (open 30 s, then 60 s) lets a probe through; the SDK with maxRetries 5 holds each request ~14 s, hence the concurrency',
  contenders: [
    { kind: 'breakwater', label: BREAKWATER, tiers: twoTiers, watchBreaker: true },
    withoutTail,
    sdk(2),
    sdk(5),
    sdk(0, SECONDARY),
  ],
};

const hangs: BenchScenario = {
  name: 'hangs',
  summary: '5% of attempts are accepted and never answered; the SDK runs with timeout: 10_000',
  simulator: {
    default: { latency, faults: [{ kind: 'hang', probability: 0.05 }] },
  },
  load: { requests: 2000, concurrency: 256, durationS: 40 },
  loadNote:
    'a hung attempt holds its caller until a timeout, so concurrency stays well above rate × timeout',
  contenders: [
    { kind: 'breakwater', label: BREAKWATER, tiers: twoTiers },
    withoutTail,
    sdk(2),
    sdk(5),
  ],
};

const clean: BenchScenario = {
  name: 'clean',
  summary: 'no fault at all: every attempt answers within 20–50 ms',
  simulator: { default: { latency } },
  load: { requests: 2000, concurrency: 64, durationS: 20 },
  loadNote: 'the flaky drill’s load without its faults: no hedge may fire',
  contenders: [
    { kind: 'breakwater', label: BREAKWATER, tiers: twoTiers },
    withoutTail,
    sdk(2),
    sdk(5),
  ],
};

const failing35: BenchScenario = {
  name: 'failing35',
  summary:
    'both tiers fail 35% of attempts: 500, 502, 503 (529 in the Anthropic dialect) and 429s with Retry-After: 1',
  simulator: {
    default: {
      latency,
      // One draw per attempt: 10 + 4 + 8 + 10 + 3 = 35%, the mix of the issue's report.
      faults: [
        { kind: 'status', status: 500, probability: 0.1 },
        { kind: 'status', status: 502, probability: 0.04 },
        { kind: 'status', status: 503, probability: 0.08 },
        { kind: 'status', status: 503, probability: 0.1, dialect: 'openai' },
        { kind: 'status', status: 529, probability: 0.1, dialect: 'anthropic' },
        { kind: 'status', status: 429, probability: 0.03, retryAfterS: 1 },
      ],
    },
  },
  load: { requests: 2000, concurrency: 64, durationS: 20 },
  loadNote:
    'the flaky drill’s load; a cold breaker window that opened on an unlucky streak would answer circuit_open to everyone for 30 s',
  contenders: [
    { kind: 'breakwater', label: BREAKWATER, tiers: twoTiers },
    withoutTail,
    { kind: 'breakwater', label: 'breakwater, primary tier only', tiers: [twoTiers[0]] },
    sdk(2),
    sdk(5),
  ],
};

export const SCENARIOS: Readonly<Record<ScenarioName, BenchScenario>> = {
  flaky,
  outage,
  hangs,
  clean,
  failing35,
};
