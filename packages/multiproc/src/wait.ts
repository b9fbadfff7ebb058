import { Connection, wait as waitConnections } from "@multiproc/pipe";
import { Future, wait as waitFutures, type FuturesWaitOptions } from "@multiproc/pool";

/**
 * Both packages export a `wait`, as Python has `multiprocessing.connection.wait`
 * and `concurrent.futures.wait`. The umbrella's `wait` is either, by what it is
 * given: Futures (or an options object) for the pool's, Connections for the pipe's.
 */
export function wait(connections: readonly Connection[], timeout?: number): Promise<Connection[]>;
export function wait<T>(futures: readonly Future<T>[] | Set<Future<T>>, options?: FuturesWaitOptions): Promise<{ done: Set<Future<T>>; notDone: Set<Future<T>> }>;
export function wait(items: unknown, second?: unknown): Promise<unknown> {
  const list = items instanceof Set ? [...items] : Array.isArray(items) ? items : [];
  const futures = items instanceof Set || list.some((x) => x instanceof Future) || (typeof second === "object" && second !== null);
  return futures ? waitFutures(items as Future[], second as FuturesWaitOptions) : waitConnections(items as Connection[], second as number | undefined);
}
