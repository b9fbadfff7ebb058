// Pool: tiny tasks one by one, map with automatic chunks, one-task round
// trip, CPU-bound speedup and start-up to first result, for multiproc's Pool
// and ProcessPoolExecutor against piscina, tinypool, workerpool, poolifier
// and Python's Pool / ProcessPoolExecutor. Every pool has 2 workers (this
// machine's cores). The throughput and latency workloads keep one pool per
// contender across the warm-up and the repetitions, as a long-lived pool
// (Python's script starts one per run: its workers have no JIT to warm);
// the speedup starts a pool per run, and the start-up workload times exactly that.
import Piscina from "piscina";
import { FixedThreadPool } from "poolifier";
import Tinypool from "tinypool";
import workerpool from "workerpool";
import { Pool, ProcessPoolExecutor, task } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";
import { spin } from "../workers/pool-tasks.mjs";

const WORKERS = 2;
const TASKS = new URL("../workers/pool-tasks.mjs", import.meta.url);
const TASK = { square: task(TASKS, "square"), spin: task(TASKS, "spin"), busy: task(TASKS, "busy"), bytes: task(TASKS, "bytes") };

/** How each pool starts, runs one call of a named task function, and stops. */
const POOLS = {
  "multiproc Pool.apply": {
    start: () => new Pool({ processes: WORKERS }),
    call: (pool, name, arg) => pool.apply(TASK[name], [arg]),
    stop: (pool) => pool.terminate(),
  },
  "multiproc executor.submit": {
    start: () => new ProcessPoolExecutor({ maxWorkers: WORKERS }),
    call: (ex, name, arg) => ex.submit(TASK[name], arg).result(),
    stop: (ex) => ex.shutdown({ cancelFutures: true }),
  },
  piscina: {
    peer: true,
    start: () => new Piscina({ filename: TASKS.href, minThreads: WORKERS, maxThreads: WORKERS }),
    call: (pool, name, arg) => pool.run(arg, { name }),
    stop: (pool) => pool.destroy(),
  },
  tinypool: {
    peer: true,
    start: () => new Tinypool({ filename: TASKS.href, minThreads: WORKERS, maxThreads: WORKERS }),
    call: (pool, name, arg) => pool.run(arg, { name }),
    stop: (pool) => pool.destroy(),
  },
  workerpool: {
    peer: true,
    start: () => workerpool.pool(new URL("../workers/pool-workerpool.mjs", import.meta.url).pathname, { minWorkers: WORKERS, maxWorkers: WORKERS, workerType: "thread" }),
    call: (pool, name, arg) => pool.exec(name, [arg]),
    stop: (pool) => pool.terminate(),
  },
  poolifier: {
    peer: true,
    start: () => new FixedThreadPool(WORKERS, new URL("../workers/pool-poolifier.mjs", import.meta.url).pathname),
    call: (pool, name, arg) => pool.execute(arg, name),
    // poolifier 5.3.2's destroy() sometimes never settles here: wait a while, then say so and go on.
    stop: (pool) => settlesWithin(pool.destroy(), 5000, "poolifier's destroy()"),
  },
};

async function settlesWithin(promise, ms, what) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(() => resolve(true), ms)));
  if (await Promise.race([promise.then(() => false), late])) console.warn(`(bench: ${what} did not settle within ${ms} ms; going on without it)`);
  clearTimeout(timer);
}

/** Starts a pool, waits for a first result, runs `timedPart(pool, kind)` and stops the pool. */
async function withPool(kind, timedPart) {
  const pool = kind.start();
  try {
    await kind.call(pool, "square", 1);
    return await timedPart(pool);
  } finally {
    await kind.stop(pool);
  }
}

/** A contender per pool, each running `make(kind, n)` on a fresh pool. */
function contenders(make) {
  return Object.entries(POOLS).map(([name, kind]) => ({ name, peer: Boolean(kind.peer), run: (n) => make(kind, n) }));
}

/** A contender per pool, each running `timed(kind, pool, n)` on one pool it keeps until the workload ends. */
function keptPool([name, kind], timed) {
  let started;
  return {
    name,
    peer: Boolean(kind.peer),
    async run(n) {
      if (!started) {
        started = kind.start();
        await kind.call(started, "square", 1);
      }
      return timed(kind, started, n);
    },
    async close() {
      if (started) await kind.stop(started);
      started = undefined;
    },
  };
}

const keptPools = (timed) => Object.entries(POOLS).map((entry) => keptPool(entry, timed));

/** A contender that runs at most `cap` ops (a slow peer, whose rate does not depend on the count), saying so in its name. */
function capped(contender, cap) {
  return { ...contender, name: `${contender.name} (${cap / 1000}k)`, run: (n) => contender.run(Math.min(n, cap)) };
}

async function oneByOne(kind, pool, n) {
  const t = performance.now();
  const calls = new Array(n);
  for (let i = 0; i < n; i++) calls[i] = kind.call(pool, "square", i);
  await Promise.all(calls);
  return { ops: n, ms: performance.now() - t };
}

async function roundTrips(kind, pool, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) await kind.call(pool, "square", i);
  return { ops: n, ms: performance.now() - t };
}

const MIB = 1 << 20;

/** Tasks that each return 1 MiB of bytes, one at a time. */
async function bigResults(kind, pool, n) {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const result = await kind.call(pool, "bytes", MIB);
    if (result.byteLength !== MIB) throw new Error(`a 1 MiB result arrived with ${result.byteLength} bytes`);
  }
  return { ops: n, ms: performance.now() - t };
}

/** Round trips with the pool idle 1 ms between them (requests that arrive one at a time): only the calls are timed. */
async function spacedRoundTrips(kind, pool, n) {
  let ms = 0;
  for (let i = 0; i < n; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const t = performance.now();
    await kind.call(pool, "square", i);
    ms += performance.now() - t;
  }
  return { ops: n, ms };
}

async function mapAuto(_kind, pool, n) {
  const items = Array.from({ length: n }, (_, i) => i);
  const t = performance.now();
  await pool.map(TASK.square, items);
  return { ops: n, ms: performance.now() - t };
}

async function startUps(kind, n) {
  let ms = 0;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const pool = kind.start();
    await kind.call(pool, "square", 1);
    ms += performance.now() - t;
    await kind.stop(pool);
  }
  return { ops: n, ms };
}

/** Rounds of `spin` that take about `ms` on one thread here, and what they take (the best of 3). */
const calibrated = new Map();
function calibrate(ms) {
  if (!calibrated.has(ms)) {
    let rounds = 1_000_000;
    let t = performance.now();
    spin(rounds);
    rounds = Math.round((rounds * ms) / (performance.now() - t));
    let serial = Infinity;
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      spin(rounds);
      serial = Math.min(serial, performance.now() - t);
    }
    calibrated.set(ms, { rounds, serial });
  }
  return calibrated.get(ms);
}

/** `n` CPU-bound tasks at once; the speedup over running them one after another on one thread. */
async function speedup(kind, n, taskMs) {
  const { rounds, serial } = calibrate(taskMs);
  return withPool(kind, async (pool) => {
    const t = performance.now();
    await Promise.all(Array.from({ length: n }, () => kind.call(pool, "spin", rounds)));
    return { ops: (n * serial) / (performance.now() - t), ms: 1000 };
  });
}

/**
 * Task lengths in ms for the uneven workloads: 400/50 alternating (a long
 * task queued behind another long one is what hurts), and a mix of 1-200 ms
 * (a fixed pseudo-random sequence, the same in python/pool.py).
 */
export function unevenDurations(kind, n) {
  return Array.from({ length: n }, (_, i) => (kind === "alternating" ? (i % 2 ? 50 : 400) : 1 + ((i * 7919 + 13) % 200)));
}

/**
 * The makespan of an ideal pool: tasks start in submission order, each on the
 * first worker free, with no overhead (a pool cannot know task lengths ahead,
 * so this is the best it can do; for 400/50/... it is also the best of any schedule).
 */
export function idealMakespan(durations) {
  const free = new Array(WORKERS).fill(0);
  for (const d of durations) free[free.indexOf(Math.min(...free))] += d;
  return Math.max(...free);
}

/** How the uneven workloads submit: each pool's one-by-one call, plus multiproc's map/imap with chunksize 1. */
const UNEVEN = {
  ...Object.fromEntries(Object.entries(POOLS).map(([name, kind]) => [name, { peer: kind.peer, runAll: (pool, ds) => Promise.all(ds.map((d) => kind.call(pool, "busy", d))), kind }])),
  "multiproc Pool.map (chunksize 1)": { runAll: (pool, ds) => pool.map(TASK.busy, ds, { chunksize: 1 }), kind: POOLS["multiproc Pool.apply"] },
  "multiproc Pool.imap": {
    runAll: async (pool, ds) => {
      for await (const _ of pool.imap(TASK.busy, ds));
    },
    kind: POOLS["multiproc Pool.apply"],
  },
};

/** Efficiency of a pool on tasks of these lengths: the ideal makespan over the one measured (1.00x is ideal). */
function unevenContenders(kind) {
  return Object.entries(UNEVEN).map(([name, way]) => ({
    name,
    peer: Boolean(way.peer),
    run: (n) =>
      withPool(way.kind, async (pool) => {
        const ds = unevenDurations(kind, n);
        const t = performance.now();
        await way.runAll(pool, ds);
        return { ops: idealMakespan(ds) / (performance.now() - t), ms: 1000 };
      }),
  }));
}

const python = (workload, cap) => ({ peer: true, skip: pythonSkip(), run: (n) => runPython("pool", workload, Math.min(n, cap)) });
const noMap = (name) => ({ name, peer: true, skip: "no map API (tasks go one by one: see the workload above)" });

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "pool",
    name: "tiny tasks submitted one by one",
    unit: "tasks/s",
    size: 100_000,
    smokeSize: 200,
    warmupSize: 10_000,
    contenders: [
      // tinypool and workerpool take 10 s and more per 100k here: 20k of theirs keep the run to a few minutes.
      ...keptPools(oneByOne).map((c) => (c.name === "tinypool" || c.name === "workerpool" ? capped(c, 20_000) : c)),
      { name: "Python Pool.apply_async (20k)", ...python("one_by_one", 20_000) },
      { name: "Python executor.submit (5k)", ...python("executor_one_by_one", 5_000) },
    ],
  },
  {
    area: "pool",
    name: "map of tiny tasks, automatic chunksize",
    unit: "tasks/s",
    size: 100_000,
    smokeSize: 200,
    contenders: [
      { ...keptPool(["multiproc Pool.map", POOLS["multiproc Pool.apply"]], mapAuto) },
      { name: "Python Pool.map", ...python("map_auto", Infinity) },
      ...["piscina", "tinypool", "workerpool", "poolifier"].map(noMap),
    ],
  },
  {
    area: "pool",
    name: "one-task round trip",
    unit: "time per task, submitted after the last came back",
    show: "latency",
    // Enough round trips that each pool runs warm (JIT and spin-wait hit rates settle after a few thousand).
    size: 5_000,
    smokeSize: 20,
    contenders: [...keptPools(roundTrips), { name: "Python Pool.apply (2k)", ...python("round_trip", 2_000) }],
  },
  {
    area: "pool",
    name: "one-task round trip, 1 ms idle between tasks",
    unit: "time per task, the pool idle 1 ms before each",
    show: "latency",
    // Where a pool's threads have gone to sleep: the wake-ups, not the spins, are measured.
    size: 1_000,
    smokeSize: 10,
    contenders: keptPools(spacedRoundTrips),
  },
  {
    area: "pool",
    name: "1 MiB result, one task at a time",
    unit: "time per task, the task fills and returns 1 MiB of bytes",
    show: "latency",
    size: 300,
    smokeSize: 2,
    contenders: [...keptPools(bigResults), { name: "Python Pool.apply (bytes)", ...python("big_result", 300) }],
  },
  {
    area: "pool",
    name: "8 CPU-bound tasks of ~200 ms on 2 workers",
    unit: "speedup over one thread",
    show: "factor",
    size: 8,
    smokeSize: 2,
    warmupSize: 2,
    contenders: [
      ...contenders((kind, n) => speedup(kind, n, n >= 8 ? 200 : 5)),
      { name: "Python Pool.map", ...python("cpu", 8) },
    ],
  },
  {
    area: "pool",
    name: "8 uneven tasks (400, 50, 400, 50, ... ms) on 2 workers",
    unit: "ideal makespan / measured, 1.00x is ideal",
    show: "factor",
    size: 8,
    smokeSize: 2,
    warmupSize: 2,
    contenders: [...unevenContenders("alternating"), { name: "Python Pool.map (chunksize 1)", ...python("uneven_alternating", 8) }],
  },
  {
    area: "pool",
    name: "24 uneven tasks of 1-200 ms on 2 workers",
    unit: "ideal makespan / measured, 1.00x is ideal",
    show: "factor",
    size: 24,
    smokeSize: 2,
    warmupSize: 4,
    contenders: [...unevenContenders("mixed"), { name: "Python Pool.map (chunksize 1)", ...python("uneven_mixed", 24) }],
  },
  {
    area: "pool",
    name: "start-up to first result",
    unit: "time from new pool to the first task's result",
    show: "latency",
    size: 5,
    smokeSize: 1,
    contenders: [...contenders(startUps), { name: "Python Pool(2)", ...python("startup", 5) }],
  },
];
