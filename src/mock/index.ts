/**
 * The provider simulator's public surface: `startMock()`, the scenario format and its loaders.
 */

export type {
  BareFault,
  Behaviour,
  BehaviourInput,
  BillingCode,
  CdnStatus,
  Dialect,
  DownWindow,
  Fault,
  FaultInput,
  FaultKind,
  FaultStatus,
  Latency,
  RateLimits,
  ResolvedScenario,
  Scenario,
  StatusVariant,
} from './scenario.ts';
export {
  BILLING_CODES,
  CDN_STATUSES,
  FAULT_KINDS,
  FAULT_STATUSES,
  STATUS_VARIANTS,
} from './scenario.ts';
export { ScenarioError, type ScenarioIssue } from './scenario-error.ts';
export { loadScenarioFile, resolveScenario } from './scenario-load.ts';
export { parseScenario } from './scenario-parse.ts';
export { type MockServer, type StartMockOptions, startMock } from './server.ts';
export type { MockStats, OutcomeCounts } from './stats.ts';
