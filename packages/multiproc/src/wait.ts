import type { Waitable, WaitOptions } from "@multiproc/core/internal";
import { wait as waitConnections, type Connection } from "@multiproc/pipe";
import { Future, wait as waitFutures, type DoneAndNotDone, type FuturesWaitOptions } from "@multiproc/pool";

/**
 * Both packages export a `wait`, as Python has `multiprocessing.connection.wait`
 * and `concurrent.futures.wait`. The umbrella's `wait` is either, by what it is
 * given: Futures (or a Set, or a `returnWhen` option) for the pool's;
 * Connections and sentinels for the pipe's.
 */
export function wait<T extends Connection | Waitable>(objects: readonly T[], options?: WaitOptions | number): Promise<T[]>;
export function wait<T>(futures: readonly Future<T>[] | Set<Future<T>>, options?: FuturesWaitOptions | number): Promise<DoneAndNotDone<T>>;
export function wait(items: unknown, options?: unknown): Promise<unknown> {
  const list = Array.isArray(items) ? items : [];
  const futures =
    items instanceof Set ||
    (list.length > 0 && list.every((x) => x instanceof Future)) ||
    (typeof options === "object" && options !== null && "returnWhen" in options);
  return futures ? waitFutures(items as Future[], options as FuturesWaitOptions) : waitConnections(items as Connection[], options as WaitOptions);
}
