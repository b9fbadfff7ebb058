// joblib-style parallel(): 100k tiny calls with automatic batches, against
// multiproc's own Pool.map (the target: within 10%) and Python's Pool.map
// (joblib itself is not installed here, and pip cannot reach its index).
// multiproc's calls run on the reusable pool parallel() keeps between calls;
// Pool.map on a pool kept across the repetitions too.
import { delayed, Parallel, parallel, Pool, task } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";

const WORKERS = 2;
const SQUARE = task(new URL("../workers/pool-tasks.mjs", import.meta.url), "square");
const items = (n) => Array.from({ length: n }, (_, i) => i);

async function timed(run, n) {
  const xs = items(n);
  const t = performance.now();
  const out = await run(xs);
  if (out.length !== n) throw new Error(`expected ${n} results, got ${out.length}`);
  return { ops: n, ms: performance.now() - t };
}

let pool;

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "parallel",
    name: "parallel() over tiny items, automatic batches",
    unit: "items/s",
    size: 100_000,
    smokeSize: 200,
    contenders: [
      { name: "multiproc parallel(f, xs)", run: (n) => timed((xs) => parallel(SQUARE, xs, { nJobs: WORKERS }), n) },
      { name: "multiproc Parallel + delayed", run: (n) => timed((xs) => new Parallel({ nJobs: WORKERS })(xs.map((x) => delayed(SQUARE)(x))), n) },
      {
        name: "multiproc Pool.map",
        peer: true,
        run: async (n) => {
          if (!pool) {
            pool = new Pool({ processes: WORKERS });
            await pool.apply(SQUARE, [1]);
          }
          return timed((xs) => pool.map(SQUARE, xs), n);
        },
        close: async () => {
          await pool?.terminate();
          pool = undefined;
        },
      },
      { name: "Python Pool.map", peer: true, skip: pythonSkip(), run: (n) => runPython("pool", "map_auto", n) },
    ],
  },
];
