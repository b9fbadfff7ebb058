// Lock: uncontended acquire+release on one thread, and two workers
// incrementing a plain shared counter under the lock.
import { Lock, lockMutex, task, unlockMutex } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";
import { runWorkers } from "../workers.mjs";

const COUNTER = task(new URL("../workers/lock-counter.mjs", import.meta.url), "count");

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "lock",
    name: "uncontended acquire + release",
    unit: "ops/s",
    size: 5_000_000,
    contenders: [
      {
        name: "multiproc Lock acquireSync/release",
        run(n) {
          const lock = new Lock();
          const t = performance.now();
          for (let i = 0; i < n; i++) {
            lock.acquireSync();
            lock.release();
          }
          return { ops: n, ms: performance.now() - t };
        },
      },
      {
        name: "multiproc Lock await acquire/release",
        async run(n) {
          const lock = new Lock();
          const t = performance.now();
          for (let i = 0; i < n; i++) {
            await lock.acquire();
            lock.release();
          }
          return { ops: n, ms: performance.now() - t };
        },
      },
      {
        name: "raw Atomics futex lock",
        peer: true,
        run(n) {
          const words = new Int32Array(new SharedArrayBuffer(4));
          const t = performance.now();
          for (let i = 0; i < n; i++) {
            lockMutex(words, 0);
            unlockMutex(words, 0);
          }
          return { ops: n, ms: performance.now() - t };
        },
      },
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
