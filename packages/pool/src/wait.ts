import { checkOptionNames, checkWaitOptions, describe, remaining, TimeoutError, toWaitOptions, ValueError, waitForPromise, type WaitOptions } from "@multiproc/core/internal";
import { failedOf, Future, settledOf } from "./future.js";

/**
 * When `wait()` returns, as Python's constants: at the first finished future,
 * at the first failed one (or when all finished), or when all finished (the default).
 */
export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

/** What `wait()` resolves with (Python's `DoneAndNotDoneFutures`). */
export interface DoneAndNotDone<T> {
  /** The futures that finished (succeeded, failed or were cancelled). */
  done: Set<Future<T>>;
  /** The others. */
  notDone: Set<Future<T>>;
}

/** Options of `wait(futures, options)`: a timeout or signal, and `returnWhen`. */
export interface FuturesWaitOptions extends WaitOptions {
  /** Default "ALL_COMPLETED". */
  returnWhen?: ReturnWhen | undefined;
}

function checkFutures(futures: unknown): Future[] {
  const list = futures instanceof Set ? [...futures] : futures;
  if (!Array.isArray(list) || list.some((f) => !(f instanceof Future))) throw new TypeError(`Expected an array of Futures, got ${describe(futures)}`);
  return list as Future[];
}

/**
 * Waits for futures as Python's `concurrent.futures.wait`: until the first
 * completes, the first fails (or all complete), or all complete, or until
 * the timeout (ms; or `{ timeout, signal, returnWhen }`); resolves with the
 * two sets (it never throws a TimeoutError; an abort rejects with its reason).
 *
 * @example
 * ```ts
 * const { done, notDone } = await wait(futures, { timeout: 5000, returnWhen: "FIRST_EXCEPTION" });
 * for (const future of notDone) future.cancel();
 * ```
 */
export async function wait<T>(
  futures: readonly Future<T>[] | Set<Future<T>>,
  options: FuturesWaitOptions | number = {},
): Promise<DoneAndNotDone<T>> {
  const list = checkFutures(futures) as Future<T>[];
  const given = typeof options === "number" ? { timeout: options } : options;
  const returnWhen = given?.returnWhen ?? "ALL_COMPLETED";
  if (!["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"].includes(returnWhen)) {
    throw new ValueError(`Expected \`returnWhen\` to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${describe(returnWhen)}`);
  }
  const { deadline, signal } = checkWaitOptions(given, ["returnWhen"]);
  const split = () => ({ done: new Set(list.filter((f) => f.done())), notDone: new Set(list.filter((f) => !f.done())) });
  const satisfied = () => {
    const { done, notDone } = split();
    if (notDone.size === 0) return true;
    if (returnWhen === "FIRST_COMPLETED") return done.size > 0;
    return returnWhen === "FIRST_EXCEPTION" && [...done].some((f) => failedOf(f) && !f.cancelled());
  };
  while (!satisfied()) {
    const anySettles = Promise.race(list.filter((f) => !f.done()).map(settledOf));
    if (!(await waitForPromise(anySettles, { timeout: remaining(deadline), signal }))) break;
  }
  return split();
}

/**
 * Yields the futures as they complete (those done already first), as
 * Python's `as_completed`; TimeoutError ("2 (of 4) futures unfinished") if
 * some are not done within the timeout (ms, or `{ timeout, signal }`),
 * counted from the call. (A hand-written iterator: an async generator would
 * await each yielded Future, since a Future is a thenable, and yield its
 * result instead.)
 *
 * @example
 * ```ts
 * const futures = urls.map((url) => executor.submit(fetchTitle, url));
 * for await (const future of asCompleted(futures, 60_000)) console.log(await future.result());
 * ```
 */
export function asCompleted<T>(futures: readonly Future<T>[] | Set<Future<T>>, options?: WaitOptions | number): AsyncIterableIterator<Future<T>> {
  const all = checkFutures(futures) as Future<T>[];
  const left = new Set(all);
  // Checked now, but an abort is reported by next(), as a rejection.
  const given = toWaitOptions(options);
  if (given !== undefined && typeof given === "object" && given !== null) checkOptionNames(given, "the wait options", ["timeout", "signal"]);
  const { deadline } = checkWaitOptions({ timeout: given?.timeout });
  const signal = given?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
  const next = async (): Promise<IteratorResult<Future<T>>> => {
    for (;;) {
      if (left.size === 0) return { done: true, value: undefined };
      const ready = [...left].find((f) => f.done());
      if (ready) {
        left.delete(ready);
        return { done: false, value: ready };
      }
      const anySettles = Promise.race([...left].map(settledOf));
      if (!(await waitForPromise(anySettles, { timeout: remaining(deadline), signal }))) {
        throw new TimeoutError(`${left.size} (of ${all.length}) futures unfinished`);
      }
    }
  };
  return {
    next,
    async return() {
      left.clear();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
