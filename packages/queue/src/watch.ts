import type { Queue } from "./queue.js";

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

/** One skipped watch in this many is made anyway, to find out whether such watches pay again. */
const PROBE_EVERY = 8;

/** Requests closer together than this (ms, from an answer to the next request) come back to back. */
const BACK_TO_BACK_MS = 0.25;

/**
 * Whether a thread that answers requests (a pool worker) watches for the
 * next one after putting its answer, given whether that put woke the
 * requesting thread and how far apart requests have been coming.
 *
 * A thread woken from sleep may be put on the core of the thread that woke
 * it, and then runs only when that one stops: measured on a 2-core VM, a
 * pool worker that watched for its next task for 50 µs after its result
 * woke the main thread delayed that thread by the full 50 µs. So after
 * waking the requester, when requests come one at a time (further apart
 * than BACK_TO_BACK_MS), there is no watch unless such watches are seen to
 * pay; one in PROBE_EVERY is made anyway to find out. A put that woke
 * nobody (the requester was watching, awake on another core), or requests
 * back to back, watch as before: that is how two busy threads trade items
 * without system calls.
 */
export class WatchAfterWake {
  #pays = false;
  #skipped = 0;

  /** Whether to watch now; `woke`: the last put woke the requester; `gapMs`: from the last answer to the request after it. */
  shouldWatch(woke: boolean, gapMs: number): boolean {
    if (!woke || gapMs < BACK_TO_BACK_MS || this.#pays) return true;
    if (++this.#skipped < PROBE_EVERY) return false;
    this.#skipped = 0;
    return true;
  }

  /** How a watch went: `caught`, the next request came within it. */
  watched(woke: boolean, caught: boolean): void {
    if (woke) this.#pays = caught;
  }
}
