// Locks whose holders die at random instants: a later acquire must always get
// the lock (taken over from the dead), within a generous bound.
import { Condition, Lock, RLock, SharedArray, SharedValue } from "multiproc";
import { startFixture } from "@multiproc/test-utils";
import { until } from "./until.mjs";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/** After the deaths: the lock is free or taken over within 5 s. */
async function acquirable(lock) {
  const got = await lock.acquire({ timeout: 5_000 });
  if (!got) return `the lock was left held for good: ${lock}`;
  lock.release();
  return undefined;
}

/** Holder and a contending rival, both killed at random instants of their acquire/release loops. */
export function killHolderAndRival(kind) {
  return async (rng) => {
    const lock = kind === "RLock" ? new RLock() : new Lock();
    const progress = new SharedArray("i", 2);
    const workers = [0, 1].map((slot) => startFixture(LOOP, { name: "lock", args: { lock, progress, slot } }));
    await until(progress, 0, 1);
    await until(progress, 1, 1);
    await sleep(rng() * 20);
    const [first, second] = rng() < 0.5 ? workers : [...workers].reverse();
    await first.worker.terminate();
    await sleep(rng() * 5);
    await second.worker.terminate();
    await Promise.all(workers.map((w) => w.exited));
    return acquirable(lock);
  };
}

/** The holder alone, killed at a random instant of its loop. */
export function killHolderAlone(kind) {
  return async (rng) => {
    const lock = kind === "RLock" ? new RLock() : new Lock();
    const progress = new SharedArray("i", 1);
    const { worker, exited } = startFixture(LOOP, { name: "lock", args: { lock, progress, slot: 0 } });
    await until(progress, 0, 1);
    await sleep(rng() * 20);
    await worker.terminate();
    await exited;
    return acquirable(lock);
  };
}

/** The lock of each kind of holder: a Lock, an RLock, a Condition's, a SharedValue's. */
function lockOf(kind) {
  if (kind === "Condition") {
    const cond = new Condition(new Lock());
    return { shared: cond, lock: cond };
  }
  if (kind === "SharedValue") {
    const value = new SharedValue("i", 0, { lock: new RLock() });
    return { shared: value.getLock(), lock: value.getLock() };
  }
  const lock = kind === "RLock" ? new RLock() : new Lock();
  return { shared: lock, lock };
}

/** The holder dies (killed, or process.exit) after an earlier waiter had timed out; a new waiter must take the lock over. */
export function holderDiesAfterTimedOutWaiter(kind) {
  return async (rng) => {
    const { shared, lock } = lockOf(kind);
    const progress = new SharedArray("i", 2);
    const exit = rng() < 0.5;
    const holder = startFixture(LOOP, { name: "hold", args: { lock: shared, progress, slot: 0, exit } });
    await until(progress, 0, 1);
    const waiter = startFixture(LOOP, { name: "tryFor", args: { lock: shared, ms: 30 } });
    if ((await waiter.message) !== false) return "the waiter got a lock that was held";
    await waiter.exited;
    if (exit) {
      progress.set(1, 1); // now the holder may exit (process.exit), still holding the lock
      Atomics.notify(progress.raw, 1);
    } else {
      await holder.worker.terminate();
    }
    await holder.exited;
    return acquirable(lock);
  };
}

/** Waiters on a lock held 1.5 s must sleep: the process uses well under one core meanwhile. */
export function waitersSleep(holdMs) {
  return async () => {
    const lock = new Lock();
    lock.acquireSync();
    const waiters = [0, 1, 2].map(() => startFixture(LOOP, { name: "tryFor", args: { lock, ms: 60_000 } }));
    await sleep(300); // let them start and block (start-up is not part of the measurement)
    const before = process.cpuUsage();
    const started = performance.now();
    await sleep(holdMs);
    const used = process.cpuUsage(before);
    const wall = performance.now() - started;
    lock.release();
    const got = await Promise.all(waiters.map((w) => w.message));
    await Promise.all(waiters.map((w) => w.exited));
    const cpuShare = (used.user + used.system) / 1000 / wall;
    if (got.some((g) => g !== true)) return `a waiter did not get the lock after the release: ${got}`;
    // 3 spinning waiters would use ~2 cores here; sleeping ones use almost nothing.
    return cpuShare > 0.25 ? `waiters burned ${Math.round(cpuShare * 100)}% of a core while the lock was held` : undefined;
  };
}

/** The main thread's async acquire of a contended lock must leave its event loop free. */
export function asyncAcquireKeepsEventLoop(kind) {
  return async () => {
    const lock = kind === "RLock" ? new RLock() : new Lock();
    const progress = new SharedArray("i", 1);
    const holder = startFixture(LOOP, { name: "hold", args: { lock, progress, slot: 0, exit: false } });
    await until(progress, 0, 1);
    // A second waiter, asleep in acquireSync, makes the lock contended.
    const rival = startFixture(LOOP, { name: "tryFor", args: { lock, ms: 2_000 } });
    await sleep(200);
    let ticks = 0;
    const interval = setInterval(() => ticks++, 10);
    const before = process.cpuUsage();
    const got = await lock.acquire({ timeout: 500 });
    const used = process.cpuUsage(before);
    clearInterval(interval);
    await holder.worker.terminate();
    await Promise.all([holder.exited, rival.exited]);
    const cpuMs = (used.user + used.system) / 1000;
    if (got) return "acquired a lock that was held";
    if (ticks < 20) return `the event loop was blocked: ${ticks} interval ticks in 500 ms`;
    return cpuMs > 250 ? `the wait used ${Math.round(cpuMs)} ms of CPU in 500 ms` : undefined;
  };
}
