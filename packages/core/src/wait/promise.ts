import { checkWaitOptions, remaining, type WaitOptions } from "./options.js";

/**
 * Waits for `done` (which must never reject) under a call's wait options:
 * resolves true once it has settled, false when the timeout passed first,
 * and rejects with `signal.reason` on abort. For the waits whose event is a
 * promise (a worker's exit, a task's result) rather than a shared word.
 *
 * A timeout's timer keeps the event loop alive while it waits; a wait
 * without one relies on whatever settles `done` doing so (a ref'd worker, a
 * pool's result pump).
 */
export async function waitForPromise(done: Promise<unknown>, options: WaitOptions | number | undefined): Promise<boolean> {
  const { deadline, signal } = checkWaitOptions(options);
  if (deadline === Infinity && !signal) {
    await done;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<boolean>((resolve, reject) => {
      // A settled `done` wins even against a timeout of 0: its callback is a microtask, the timer is not.
      void done.then(() => resolve(true));
      if (deadline !== Infinity) timer = setTimeout(() => resolve(false), remaining(deadline));
      if (signal) {
        onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
      }
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal!.removeEventListener("abort", onAbort);
  }
}
