import { inspect } from "node:util";

/**
 * A user callback (a Future's done-callback, a Pool `callback` or
 * `errorCallback`) threw. As Python's concurrent.futures does, the error is
 * logged to stderr with its stack, and the caller goes on with the next
 * callback: one bad callback neither crashes the process nor starves the others.
 */
export function reportCallbackError(what: string, error: unknown): void {
  try {
    process.stderr.write(`${what}\n${inspect(error)}\n`);
  } catch {
    // stderr itself failed: nothing better to do than carry on.
  }
}
