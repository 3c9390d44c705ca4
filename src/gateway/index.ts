/** The gateway's public surface: `buildGateway()`, client keys, the safe-bind rule, status types. */
export {
  buildGateway,
  DEFAULT_BODY_LIMIT_BYTES,
  type GatewayControl,
  type GatewayOptions,
  SERVER_TIMEOUT_DEFAULTS,
} from './build-gateway.ts';
export {
  type ClientIdentity,
  type ClientKeyInput,
  type ClientKeyLimits,
  ClientKeyring,
  hashClientKey,
  mergeClientKeyBudgets,
  parseClientKeysEnv,
} from './client-keys.ts';
export { loadClientKeysFile } from './client-keys-file.ts';
export type { DrainResult } from './drain.ts';
export type { ReadinessCheck } from './readiness.ts';
export { assertSafeBind, isLoopback } from './safe-bind.ts';
export type {
  GatewayStatus,
  LimiterOverview,
  LimiterStatusSource,
  TargetStatus,
} from './status.ts';
