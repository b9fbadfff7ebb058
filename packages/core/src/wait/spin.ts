import { availableParallelism, loadavg } from "node:os";

/**
 * How long a waiter spins (re-reading a word) before it sleeps: adaptive,
 * per thread. Spinning pays when the thread it waits for is running on
 * another core and about to change the word; it only burns a core when that
 * thread is not running, which is the usual case on a machine with no spare
 * core. So the budget doubles after a spin that ended in success, halves
 * after one that ended in a sleep, and is 0 while the machine has no idle
 * core (load average at or above the CPU count, looked at twice a second) or
 * has only one.
 */
const MAX_READS = 2000;
const MIN_READS = 32;
const LOAD_CHECK_MS = 500;

const cpus = availableParallelism();
let budget = MAX_READS;
let busy = false;
let checkedAt = -Infinity;

/** Reads to spin before sleeping now. */
export function spinBudget(): number {
  if (cpus < 2) return 0;
  const now = performance.now();
  if (now - checkedAt > LOAD_CHECK_MS) {
    checkedAt = now;
    busy = loadavg()[0]! >= cpus;
  }
  return busy ? 0 : budget;
}

/** Reports how a spin ended: `paid`, the word changed in time; else the waiter went to sleep. */
export function spinEnded(paid: boolean): void {
  budget = paid ? Math.min(MAX_READS, budget * 2) : Math.max(MIN_READS, budget >> 1);
}
