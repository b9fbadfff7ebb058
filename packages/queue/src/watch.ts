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

/** One watch in this many after a wake-up is made anyway, to find out whether such watches pay again. */
const PROBE_EVERY = 8;

/**
 * Whether to watch for the answer after a put, given whether the put woke
 * the thread that answers.
 *
 * A thread woken from sleep may be put on the core of the thread that woke
 * it, and then runs only when that one stops: measured on a 2-core VM, a
 * pool worker that watched for its next task for 50 µs after waking the
 * main thread with a result delayed that thread by the full 50 µs (a
 * request every millisecond took 160 µs, 55 without the watch). So after a
 * wake-up there is no watch, unless watches after wake-ups are known to
 * pay (the woken thread runs elsewhere and answered within one). A thread
 * that woke nobody (its peer was watching, awake on another core) watches as
 * before: that is how two busy threads trade items without system calls.
 *
 * Without watches after wake-ups, two threads that wake each other would
 * keep doing so even once they could trade items while both awake; so one
 * such watch in PROBE_EVERY is made anyway: it costs the woken thread at
 * most one watch when it shares the core, and finds the way back otherwise.
 */
export class WatchAfterWake {
  #pays = false;
  #skipped = 0;

  /** Whether to watch now; `woke`: the last put woke the thread that answers. */
  shouldWatch(woke: boolean): boolean {
    if (!woke || this.#pays) return true;
    if (++this.#skipped < PROBE_EVERY) return false;
    this.#skipped = 0;
    return true;
  }

  /** How a watch went: `caught`, the answer came within it. */
  watched(woke: boolean, caught: boolean): void {
    if (woke) this.#pays = caught;
  }
}
