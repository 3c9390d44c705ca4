/** The gateway's public surface: `buildGateway()`, client keys, the safe-bind rule, status types. */
export {
  buildGateway,
  type GatewayControl,
  type GatewayOptions,
  SERVER_TIMEOUT_DEFAULTS,
} from './build-gateway.ts';
export {
  type ClientKeyInput,
  ClientKeyring,
  hashClientKey,
  parseClientKeysEnv,
} from './client-keys.ts';
export { loadClientKeysFile } from './client-keys-file.ts';
export type { ReadinessCheck } from './readiness.ts';
export { assertSafeBind } from './safe-bind.ts';
export type { GatewayStatus } from './status.ts';
