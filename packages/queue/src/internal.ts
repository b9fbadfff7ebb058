/**
 * `@multiproc/queue/internal`: what @multiproc/pipe, @multiproc/pool and @multiproc/manager need
 * from a Queue beyond its public API. Not a public API: it changes in any
 * release, in step with the sibling packages of the same version.
 * These call the Queue's Symbol.for hooks (see queue.ts for why not a private field).
 */
import type { Allocate, WaitOptions } from "@multiproc/core/internal";
import { NOTHING, type GetFilter } from "./operations.js";
import { GET_IF, GET_IF_SYNC, GET_UNREFERENCED, PUT_ALL, PUT_WRITTEN, READ_BYTES_WITH, TRY_GET, WAKE_GETTERS, WAIT_READABLE, WAIT_READABLE_SYNC, type Queue } from "./queue.js";

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

/**
 * putNowait of each item in order, waking sleeping getters once at the end.
 * Returns how many sleepers it woke.
 */
export function putAll<T>(queue: Queue<T>, items: readonly T[]): number {
  return queue[PUT_ALL](items, true);
}

/**
 * putAll without the wake-up: returns how many sleepers the items are for,
 * to be woken with `wakeGetters` once this thread is about to go idle. A
 * thread it wakes may be put on this thread's core and take it over at once
 * (seen on a 2-core VM: every instruction after the notify waited for the
 * woken thread), so a thread with more to do first does it, then wakes.
 * (If an item throws, the ones before it are woken at once.)
 */
export function putAllLater<T>(queue: Queue<T>, items: readonly T[]): number {
  return queue[PUT_ALL](items, false);
}

/**
 * putAll of one Uint8Array that `write` writes straight into the queue's
 * memory: `write` gets an Allocate for its bytes (called once, after
 * anything that can throw, as core's encode calls it) and returns the part
 * it filled. A message built only to be put (a pool's result) then needs no
 * buffer of its own: for a large one, the fresh memory and the copy are
 * most of its cost. Whatever `write` throws propagates, and nothing is put.
 */
export function putBytesWith(queue: Queue<Uint8Array>, write: (allocate: Allocate) => Uint8Array): number {
  return queue[PUT_WRITTEN](write);
}

/**
 * From now on, gets of this Queue instance (in this thread) return
 * `read(content)` for each Uint8Array item, instead of a copy of it:
 * `content` is a view of the item where it lies (the queue's shared memory,
 * or this thread's read scratch), valid only during the call, so `read`
 * copies whatever it keeps. For a reader that only decodes what the bytes
 * hold (a pool's results), this saves the copy. Other items decode as usual.
 */
export function readBytesWith<R>(queue: Queue<Uint8Array>, read: (content: Uint8Array) => R): Queue<R> {
  queue[READ_BYTES_WITH](read);
  return queue as unknown as Queue<R>;
}

/** Wakes up to `count` getters sleeping on `queue` (the count a putAllLater returned). */
export function wakeGetters(queue: Queue<unknown>, count: number): void {
  if (count > 0) queue[WAKE_GETTERS](count);
}

/**
 * `queue.get()` whose wait does not keep the event loop alive: for a reader
 * that stays parked on a queue while nothing is expected (a pool's result
 * pump) and keeps the loop alive itself while something is.
 */
export function getUnreferenced<T>(queue: Queue<T>, options?: WaitOptions | number): Promise<T> {
  return queue[GET_UNREFERENCED](options);
}

/** The next item if `filter` accepts its codec tag; otherwise throws `filter.refuse(tag)` and leaves it there. */
export function getIf<T>(queue: Queue<T>, filter: GetFilter, options?: WaitOptions | number): Promise<T> {
  return queue[GET_IF](filter, options);
}

/** `getIf`, blocking the calling thread. */
export function getIfSync<T>(queue: Queue<T>, filter: GetFilter, options?: WaitOptions | number): T {
  return queue[GET_IF_SYNC](filter, options);
}

export { Batching } from "./batching.js";
export { watchFor, WatchAfterWake } from "./watch.js";
