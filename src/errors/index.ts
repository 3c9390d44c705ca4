/** The error taxonomy: codes, the base class, the families, classify() and rendering. */
export { type AttemptRecord, describeAttempts } from './attempt-record.ts';
export {
  BreakwaterError,
  type BreakwaterErrorOptions,
  type ErrorOrigin,
  isBreakwaterError,
} from './breakwater-error.ts';
export {
  type ClassifyInput,
  type ClassifyResponseInput,
  type ClassifyStreamErrorInput,
  classifyNetworkError,
  classifyResponse,
  classifyStreamError,
  type NetworkErrorContext,
} from './classify/index.ts';
export { type CodeInfo, ERROR_CODES, type ErrorCode, isErrorCode } from './codes.ts';
export {
  AbortedError,
  ConnectionError,
  type ConnectionFailure,
  type ErrorContext,
  MalformedResponseError,
  malformedResponse,
  ProviderError,
  RefusalError,
  RejectedError,
  type RejectionCode,
  TimeoutError,
  type TimeoutPhase,
} from './families.ts';
export { redactSecrets } from './redact-secrets.ts';
export {
  anthropicErrorType,
  type RenderedError,
  type RenderOptions,
  renderError,
} from './render.ts';
