import type { WaitOptions } from "./options.js";

/**
 * What `wait()` of @multiproc/pipe (Python's `multiprocessing.connection.wait`)
 * can wait on: a Connection (a message, or the end of the pipe, to receive)
 * and a Process's `sentinel` (the process has ended). `Symbol.for`, so any
 * copy of the packages answers.
 */
export const WAITABLE = Symbol.for("multiproc.waitable");

export interface WaitableHooks {
  /** Whether it is ready now. */
  ready(): boolean;
  /** Resolves true once it is ready, false when the timeout passed; rejects with the signal's reason on abort. */
  wait(options: WaitOptions): Promise<boolean>;
}

export interface Waitable {
  [WAITABLE](): WaitableHooks;
}

export function isWaitable(value: unknown): value is Waitable {
  return typeof value === "object" && value !== null && typeof (value as Partial<Waitable>)[WAITABLE] === "function";
}
