/** The upstream HTTP layer: keep-alive pools per provider origin and one attempt's call. */
export {
  type CallUpstreamOptions,
  callUpstream,
  UPSTREAM_TIMEOUT_DEFAULTS,
  type UpstreamTimeouts,
} from './call-upstream.ts';
export { type Connector, withConnectTimeout } from './connect-timeout.ts';
export { DEFAULT_MAX_ERROR_BODY_BYTES } from './error-response.ts';
export {
  FIRST_BYTE_TIMEOUT_RULE,
  type FirstByteTimeoutInput,
  type FirstByteTimeoutRule,
  firstByteTimeoutFor,
} from './first-byte-timeout.ts';
export { normalizeOrigin } from './origin.ts';
export {
  createUpstreamPool,
  type PoolStats,
  UPSTREAM_POOL_DEFAULTS,
  UpstreamPool,
  type UpstreamPoolOptions,
} from './upstream-pool.ts';
export { UpstreamResponse, type UpstreamTimings } from './upstream-response.ts';
