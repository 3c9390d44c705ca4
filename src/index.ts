/**
 * breakwater's public surface: the client, the engine, the simulator, the errors, the
 * context-window tools (chunkText, slidingWindow, compressHistory), and the pieces (policies,
 * dialects, clock) a user may want to compose or test with.
 */

export { applyMaxTokensPolicy } from './budget/max-tokens-policy.ts';
export {
  type BreakwaterClient,
  type ClientOptions,
  createClient,
  createClientFromFile,
} from './client/create-client.ts';
export { loadConfig, loadConfigFile } from './config/config-load.ts';
export { resolveConfig } from './config/config-resolve.ts';
export type {
  ApiKeySource,
  BreakwaterConfig,
  PolicyConfig,
  ProviderConfig,
  ResolvedConfig,
  RouteConfig,
} from './config/config-types.ts';
export * from './context/index.ts';
export { type Clock, ManualClock, systemClock } from './core/clock.ts';
export { Deadline } from './core/deadline.ts';
export {
  type ClassifyInput,
  type ClassifyResponseInput,
  type ClassifyStreamErrorInput,
  classifyResponse,
  classifyStreamError,
} from './dialects/classify.ts';
export type { DialectName } from './dialects/dialect-name.ts';
export {
  anthropicErrorType,
  type RenderedError,
  type RenderOptions,
  renderError,
} from './dialects/render-error.ts';
export {
  type AnswerMeta,
  type CallOptions,
  Engine,
  type EngineAnswer,
  type EngineCounters,
  type EngineEvent,
  type EngineOptions,
} from './engine/engine.ts';
export * from './errors/index.ts';
export {
  assertSafeBind,
  buildGateway,
  type ClientKeyInput,
  ClientKeyring,
  type GatewayControl,
  type GatewayOptions,
  type GatewayStatus,
  hashClientKey,
  type ReadinessCheck,
} from './gateway/index.ts';
export type {
  Admission,
  AdmissionRequest,
  Lease,
  Priority,
  Settlement,
} from './limiter/admission.ts';
export { createLimiter, type Limiter, type LimiterEvent } from './limiter/index.ts';
export { type MockServer, type Scenario, startMock } from './mock/index.ts';
export { type Backoff, FullJitterBackoff } from './policy/backoff.ts';
export { type BreakerOptions, type BreakerState, CircuitBreaker } from './policy/breaker.ts';
export { type RetryOptions, RetryPolicy } from './policy/retry.ts';
export { RetryBudget } from './policy/retry-budget.ts';
export type { IdempotencyRecord, IdempotencyStore } from './store/idempotency-store.ts';
export { MemoryIdempotencyStore } from './store/memory-idempotency-store.ts';
export type { CacheStore, Store } from './store/store.ts';
export * from './tokens/index.ts';
