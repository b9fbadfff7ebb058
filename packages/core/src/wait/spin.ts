import { availableParallelism } from "node:os";

/**
 * How long a waiter spins (re-reading a word) before it sleeps: adaptive,
 * per thread. Spinning pays when the thread it waits for is running on
 * another core and about to change the word; it only burns a core when that
 * thread is not running, which is the usual case on a machine with no spare
 * core. So the budget doubles after a spin that ended in success and shrinks
 * by an eighth after one that ended in a sleep: when spins stop paying (a
 * busy machine, long waits) it falls to a few hundred reads, and it grows
 * back as soon as they pay again.
 * No spinning at all on a single CPU.
 *
 * Not the load average: a ping-pong between two threads on two cores keeps
 * it at 2, the very case where spinning pays most (measured: a Pipe round
 * trip 10x slower when a load-average gate turned spinning off).
 */
const MAX_READS = 2000;
/**
 * The floor must leave a spin room to succeed (a failed try alone costs 64
 * reads in waitSync): at a floor below that, one bad stretch turned spinning
 * off for good, and a Pipe round trip fell from ~300k/s to ~30k/s.
 */
const MIN_READS = 256;

const cpus = availableParallelism();
let budget = MAX_READS;

/** Reads to spin before sleeping now. */
export function spinBudget(): number {
  return cpus < 2 ? 0 : budget;
}

/** Reports how a spin ended: `paid`, the word changed in time; else the waiter went to sleep. */
export function spinEnded(paid: boolean): void {
  // Up fast, down slowly: one wake-up that came late (a GC pause, a preempted
  // peer) should not cost the next thousand hand-offs their spin.
  budget = paid ? Math.min(MAX_READS, budget * 2) : Math.max(MIN_READS, budget - (budget >> 3));
}
