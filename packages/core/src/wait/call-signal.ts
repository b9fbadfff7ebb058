import { setMaxListeners } from "node:events";
import { describe } from "../errors/describe.js";

/**
 * One abort listener on the caller's signal per call, however many tasks (or
 * cluster jobs) the call makes: the tasks listen to a signal of the call's own, which the
 * caller's abort aborts (a map of 10,000 chunks would otherwise add 10,000
 * listeners to the caller's signal, and Node would warn of a leak). `release`
 * removes the listener: call it when the call settles.
 */
export function callSignal(signal: AbortSignal | undefined): { signal: AbortSignal | undefined; release: () => void } {
  if (signal === undefined) return { signal: undefined, release: () => {} };
  if (!(signal instanceof AbortSignal)) throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one per task in flight, by design
  if (signal.aborted) {
    controller.abort(signal.reason);
    return { signal: controller.signal, release: () => {} };
  }
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, release: () => signal.removeEventListener("abort", onAbort) };
}
