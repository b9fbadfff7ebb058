// SharedValue: two workers incrementing one value, atomically and under its
// lock; ShareableList item reads and writes against Python's.
import { ShareableList, SharedValue, task } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";
import { runWorkers } from "../workers.mjs";

const COUNTER = task(new URL("../workers/value-counter.mjs", import.meta.url), "count");

/** Two workers each add `n` to `value`; checks the total is exact. */
async function increment(value, mode, n) {
  const sample = await runWorkers(COUNTER, 2, () => [value, mode, n], n);
  const total = mode === "raw" ? value[0] : value.value;
  if (total !== 2 * n) throw new Error(`lost increments (${mode}): ${total} of ${2 * n}`);
  return sample;
}

/** n reads and n writes of ShareableList items (`sl[k] = sl[k] + 1`, k over the numeric items), as the Python peer does. */
function shareableListUpdates(n) {
  const sl = new ShareableList([0, "x".repeat(8), 0.5, 0, 0, 0, 0, 0]);
  try {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const k = (i & 7) === 1 ? 0 : i & 7;
      sl.set(k, sl.get(k) + 1);
    }
    return { ops: n, ms: performance.now() - t };
  } finally {
    sl.close();
  }
}

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "shared-value",
    name: "2 workers x increment one value",
    unit: "increments/s",
    size: 1_000_000,
    smokeSize: 2_000,
    contenders: [
      { name: "multiproc SharedValue.add()", run: (n) => increment(new SharedValue("i", 0, { lock: false }), "add", n) },
      { name: "multiproc locked value += 1", run: (n) => increment(new SharedValue("i", 0), "locked", n) },
      { name: "raw Atomics.add (2 workers)", peer: true, run: (n) => increment(new Int32Array(new SharedArrayBuffer(4)), "raw", n) },
      {
        name: "Python Value, with get_lock(): += 1",
        peer: true,
        skip: pythonSkip(),
        run: (n) => runPython("shared_value", "locked", Math.min(n, 200_000)),
      },
    ],
  },
  {
    area: "shared-value",
    name: "ShareableList item read + write",
    unit: "updates/s",
    size: 1_000_000,
    smokeSize: 2_000,
    contenders: [
      { name: "multiproc ShareableList set(k, get(k) + 1)", run: (n) => shareableListUpdates(n) },
      { name: "Python ShareableList sl[k] = sl[k] + 1", peer: true, skip: pythonSkip(), run: (n) => runPython("shared_value", "shareable_list", Math.min(n, 500_000)) },
    ],
  },
];
