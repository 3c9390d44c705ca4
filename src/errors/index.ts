/** The error taxonomy: codes, the base class, the families, and the network-failure classifier. */
export { type AttemptRecord, describeAttempts } from './attempt-record.ts';
export {
  BreakwaterError,
  type BreakwaterErrorOptions,
  type ErrorOrigin,
  isBreakwaterError,
  type Problem,
} from './breakwater-error.ts';
export { classifyNetworkError, type NetworkErrorContext } from './classify-network.ts';
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
  UpstreamConfigError,
  type UpstreamConfigFailure,
} from './families.ts';
export { redactSecrets } from './redact-secrets.ts';
