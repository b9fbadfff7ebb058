import { deadlineOf, describe, remaining, TimeoutError, ValueError } from "@multiproc/core";
import { Future } from "./future.js";

export type ReturnWhen = "FIRST_COMPLETED" | "FIRST_EXCEPTION" | "ALL_COMPLETED";

export interface FuturesWaitOptions {
  timeout?: number | undefined;
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
 * `timeout` ms; resolves with the two sets (it never throws a TimeoutError).
 */
export async function wait<T>(futures: readonly Future<T>[] | Set<Future<T>>, options: FuturesWaitOptions = {}): Promise<{ done: Set<Future<T>>; notDone: Set<Future<T>> }> {
  const list = checkFutures(futures) as Future<T>[];
  const returnWhen = options.returnWhen ?? "ALL_COMPLETED";
  if (!["FIRST_COMPLETED", "FIRST_EXCEPTION", "ALL_COMPLETED"].includes(returnWhen)) {
    throw new ValueError(`Expected \`returnWhen\` to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${describe(returnWhen)}`);
  }
  const deadline = deadlineOf(options.timeout);
  const split = () => ({ done: new Set(list.filter((f) => f.done())), notDone: new Set(list.filter((f) => !f.done())) });
  const satisfied = () => {
    const { done, notDone } = split();
    if (notDone.size === 0) return true;
    if (returnWhen === "FIRST_COMPLETED") return done.size > 0;
    return returnWhen === "FIRST_EXCEPTION" && [...done].some((f) => f.failed && !f.cancelled());
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = deadline === Infinity ? new Promise<void>(() => {}) : new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining(deadline))));
  try {
    while (!satisfied()) {
      const pending = list.filter((f) => !f.done()).map((f) => f.settled);
      const outcome = await Promise.race([Promise.race(pending).then(() => "settled"), timedOut.then(() => "timeout")]);
      if (outcome === "timeout") break;
    }
  } finally {
    clearTimeout(timer);
  }
  return split();
}

/**
 * Yields the futures as they complete (those done already first), as
 * Python's `as_completed`; TimeoutError if some are not done within `timeout` ms.
 * (A hand-written iterator: an async generator would await each yielded
 * Future, since a Future is a thenable, and yield its result instead.)
 */
export function asCompleted<T>(futures: readonly Future<T>[] | Set<Future<T>>, options: { timeout?: number | undefined } = {}): AsyncIterableIterator<Future<T>> {
  const left = new Set(checkFutures(futures) as Future<T>[]);
  const deadline = deadlineOf(options.timeout);
  const next = async (): Promise<IteratorResult<Future<T>>> => {
    for (;;) {
      if (left.size === 0) return { done: true, value: undefined };
      const ready = [...left].find((f) => f.done());
      if (ready) {
        left.delete(ready);
        return { done: false, value: ready };
      }
      let timer: NodeJS.Timeout | undefined;
      const settled = Promise.race([...left].map((f) => f.settled)).then(() => "settled" as const);
      const timedOut = deadline === Infinity ? [] : [new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), remaining(deadline))))];
      const outcome = await Promise.race([settled, ...timedOut]);
      clearTimeout(timer);
      if (outcome === "timeout") throw new TimeoutError(`${left.size} of the futures were not done within ${options.timeout} ms`);
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
