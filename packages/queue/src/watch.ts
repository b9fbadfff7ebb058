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
