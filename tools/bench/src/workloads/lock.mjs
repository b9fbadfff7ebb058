// Lock: uncontended acquire+release on one thread, and two workers
// incrementing a plain shared counter under the lock.
import { Lock, task } from "multiproc";
import { rawLock, rawUnlock } from "../raw-mutex.mjs";
import { pythonSkip, runPython } from "../python.mjs";
import { runWorkers } from "../workers.mjs";

// Each loop is its own top-level function, called with the same argument
// shapes every time, so V8 optimizes each the same way (loops written inline
// in the contender objects measured 30% slower than the same code here).
function syncLoop(lock, n) {
  for (let i = 0; i < n; i++) {
    lock.acquireSync();
    lock.release();
  }
}

async function asyncLoop(lock, n) {
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    lock.release();
  }
}

function rawLoop(words, n) {
  for (let i = 0; i < n; i++) {
    rawLock(words, 0);
    rawUnlock(words, 0);
  }
}

function timed(n, loop, subject) {
  const t = performance.now();
  loop(subject, n);
  return { ops: n, ms: performance.now() - t };
}

async function timedAsync(n, loop, subject) {
  const t = performance.now();
  await loop(subject, n);
  return { ops: n, ms: performance.now() - t };
}

const COUNTER = task(new URL("../workers/lock-counter.mjs", import.meta.url), "count");

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "lock",
    name: "uncontended acquire + release",
    unit: "ops/s",
    size: 5_000_000,
    contenders: [
      { name: "multiproc Lock acquireSync/release", run: (n) => timed(n, syncLoop, new Lock()) },
      { name: "multiproc Lock await acquire/release", run: async (n) => timedAsync(n, asyncLoop, new Lock()) },
      { name: "raw Atomics futex lock", peer: true, run: (n) => timed(n, rawLoop, new Int32Array(new SharedArrayBuffer(4))) },
      {
        name: "Python multiprocessing.Lock",
        peer: true,
        skip: pythonSkip(),
        run: (n) => runPython("lock", "uncontended", Math.min(n, 1_000_000)),
      },
    ],
  },
  {
    area: "lock",
    name: "2 workers x counter under the lock",
    unit: "increments/s",
    size: 1_000_000,
    smokeSize: 2_000,
    contenders: [
      {
        name: "multiproc Lock (2 Processes)",
        run: (n) => countUnder(new Lock(), n),
      },
      {
        name: "raw Atomics futex lock (2 workers)",
        peer: true,
        run: (n) => countUnder(new Int32Array(new SharedArrayBuffer(4)), n),
      },
      {
        name: "Python multiprocessing.Lock (2 procs)",
        peer: true,
        skip: pythonSkip(),
        run: (n) => runPython("lock", "contended", Math.min(n, 200_000)),
      },
    ],
  },
];

/** Two workers each add `n` to one plain shared counter under `lock`; checks the total is exact. */
async function countUnder(lock, n) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const sample = await runWorkers(COUNTER, 2, (i) => [lock, cell, n], n);
  if (cell[0] !== 2 * n) throw new Error(`lost updates under the lock: ${cell[0]} of ${2 * n}`);
  return sample;
}
