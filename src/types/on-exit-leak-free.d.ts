/** Types for on-exit-leak-free 2 (pino's own exit hook), which ships none. */
declare module 'on-exit-leak-free' {
  /** Calls `fn(obj, 'exit')` when the process exits, for as long as `obj` is alive. */
  export function register<T extends object>(obj: T, fn: (obj: T, event: 'exit') => void): void;
  export function registerBeforeExit<T extends object>(
    obj: T,
    fn: (obj: T, event: 'beforeExit') => void,
  ): void;
  export function unregister(obj: object): void;
}
