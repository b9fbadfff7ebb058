/**
 * `@multiproc/queue/internal`: what @multiproc/pipe, @multiproc/pool and @multiproc/manager need
 * from a Queue beyond its public API. Not a public API: it changes in any
 * release, in step with the sibling packages of the same version.
 * These call the Queue's Symbol.for hooks (see queue.ts for why not a private field).
 */
import type { WaitOptions } from "@multiproc/core/internal";
import { NOTHING, type GetFilter } from "./operations.js";
import { GET_IF, GET_IF_SYNC, PUT_ALL, TRY_GET, WAIT_READABLE, WAIT_READABLE_SYNC, type Queue } from "./queue.js";

export type { GetFilter };

/** True once an item is there or the queue is closed (a get would not wait); false after `timeout`. Takes nothing. */
export function waitUntilReadable(queue: Queue<unknown>, options?: WaitOptions | number): Promise<boolean> {
  return queue[WAIT_READABLE](options);
}

/** `waitUntilReadable`, blocking the calling thread. */
export function waitUntilReadableSync(queue: Queue<unknown>, options?: WaitOptions | number): boolean {
  return queue[WAIT_READABLE_SYNC](options);
}

export { NOTHING };

/** getNowait() without the cost of an exception when empty: NOTHING then (QueueClosedError when closed and drained). */
export function tryGetNowait<T>(queue: Queue<T>): T | typeof NOTHING {
  return queue[TRY_GET]();
}

/** putNowait of each item in order, waking a sleeping getter once at the end. */
export function putAll<T>(queue: Queue<T>, items: readonly T[]): void {
  queue[PUT_ALL](items);
}

/** The next item if `filter` accepts its codec tag; otherwise throws `filter.refuse(tag)` and leaves it there. */
export function getIf<T>(queue: Queue<T>, filter: GetFilter, options?: WaitOptions | number): Promise<T> {
  return queue[GET_IF](filter, options);
}

/** `getIf`, blocking the calling thread. */
export function getIfSync<T>(queue: Queue<T>, filter: GetFilter, options?: WaitOptions | number): T {
  return queue[GET_IF_SYNC](filter, options);
}

/**
 * Spins reading `queue` until it holds an item (true) or `ms` have passed
 * (false). Reads only, no lock: both ends of a request/reply exchange (a
 * pool and its workers, a manager and its callers) watch their queue a
 * little before they sleep, since the answer often comes within tens of
 * microseconds, and a wake-up costs about as much again (more for
 * Atomics.waitAsync, which goes through the event loop).
 */
export function watchFor(queue: Queue<unknown>, ms: number): boolean {
  const until = performance.now() + ms;
  do {
    for (let i = 0; i < 64; i++) if (!queue.empty()) return true;
  } while (performance.now() < until);
  return false;
}
