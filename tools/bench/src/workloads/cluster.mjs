// Cluster: @multiproc/cluster's ClusterExecutor against raw BullMQ (a Queue,
// QueueEvents and plain Worker processes) on the same Redis in the same run:
// one redis-server on a unix socket, 2 worker processes per contender (on
// this 2-core machine: the client, Redis and 4 idle-or-busy workers share it).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { task } from "multiproc";
import { ClusterExecutor } from "@multiproc/cluster";
import { startRedis } from "@multiproc/test-utils/redis";

const CLI = fileURLToPath(new URL("./cli.js", import.meta.resolve("@multiproc/cluster")));
const RAW_WORKER = fileURLToPath(new URL("../workers/bullmq-raw-worker.mjs", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const identity = task(new URL("../workers/cluster-tasks.mjs", import.meta.url), "identity");
const WORKERS = 2;
const CONCURRENCY = 8;

let setup;

/** Redis, 2 multiproc-worker and 2 raw BullMQ worker processes, an executor and a raw producer: once per workload. */
function ready() {
  setup ??= (async () => {
    const redis = await startRedis();
    const { path } = redis.connection;
    const children = [];
    const start = async (args) => {
      const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
      children.push(child);
      await new Promise((resolve, reject) => {
        createInterface({ input: child.stdout }).once("line", resolve);
        child.once("exit", (code) => reject(new Error(`a bench worker exited (${code}) before it served`)));
      });
    };
    const ours = ["--redis", path, "--queue", "bench", "--threads", "1", "--concurrency", String(CONCURRENCY), "--root", ROOT];
    await Promise.all(Array.from({ length: WORKERS }, () => [start([CLI, ...ours]), start([RAW_WORKER, path, "bench", String(CONCURRENCY)])]).flat());
    const executor = new ClusterExecutor({ connection: { path }, queue: "bench" });
    await executor.submit(identity, 0);
    const raw = new Queue("bench", { connection: { path }, prefix: "raw", streams: { events: { maxLen: 1_000_000 } } });
    const events = new QueueEvents("bench", { connection: { path }, prefix: "raw" });
    await events.waitUntilReady();
    return { redis, children, executor, raw, events };
  })();
  return setup;
}

async function close() {
  if (!setup) return;
  const { redis, children, executor, raw, events } = await setup;
  setup = undefined;
  await executor.shutdown();
  await Promise.all([raw.close(), events.close()]);
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : undefined)));
  await redis.stop();
}

/** Raw BullMQ: resolves each added job's value from the completed events, by job id. */
function rawResults(events) {
  const waiting = new Map();
  const onCompleted = ({ jobId, returnvalue }) => {
    const resolve = waiting.get(jobId);
    if (resolve) {
      waiting.delete(jobId);
      resolve(returnvalue);
    }
  };
  events.on("completed", onCompleted);
  return {
    wait: (jobId) => new Promise((resolve) => waiting.set(jobId, resolve)),
    stop: () => events.off("completed", onCompleted),
  };
}

let rawSeq = 0;

async function rawRun(n, { inFlight, chunk = 0 }) {
  const { raw, events } = await ready();
  const results = rawResults(events);
  try {
    const jobs = chunk ? Math.ceil(n / chunk) : n;
    const started = performance.now();
    let next = 0;
    let sum = 0;
    const lane = async () => {
      while (next < jobs) {
        const i = next++;
        const jobId = `r${++rawSeq}`;
        const x = chunk ? Array.from({ length: Math.min(chunk, n - i * chunk) }, (_, k) => i * chunk + k) : i;
        const done = results.wait(jobId);
        await raw.add("identity", { x }, { jobId, removeOnComplete: true });
        const value = await done;
        sum += chunk ? value.length : 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, jobs) }, lane));
    const ms = performance.now() - started;
    if (sum !== n) throw new Error(`raw BullMQ: expected ${n} results, got ${sum}`);
    return { ops: n, ms };
  } finally {
    results.stop();
  }
}

async function oursRun(n, { inFlight }) {
  const { executor } = await ready();
  const started = performance.now();
  let next = 0;
  let sum = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      if ((await executor.submit(identity, i)) !== i) throw new Error(`task ${i}: wrong result`);
      sum++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, n) }, lane));
  const ms = performance.now() - started;
  if (sum !== n) throw new Error(`expected ${n} results, got ${sum}`);
  return { ops: n, ms };
}

async function oursMap(n, chunksize) {
  const { executor } = await ready();
  const started = performance.now();
  let expected = 0;
  for await (const value of executor.map(identity, { length: n, [Symbol.iterator]: rangeIterator(n) }, { chunksize })) {
    if (value !== expected++) throw new Error(`map: item ${expected - 1} came back as ${value}`);
  }
  const ms = performance.now() - started;
  if (expected !== n) throw new Error(`map: expected ${n} items, got ${expected}`);
  return { ops: n, ms };
}

function rangeIterator(n) {
  return function* () {
    for (let i = 0; i < n; i++) yield i;
  };
}

const MAP_CHUNK = 10_000;

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "cluster",
    name: "round trip, one task at a time (client, Redis, 2 worker processes on one box)",
    unit: "tasks/s",
    show: "latency",
    size: 1_000,
    smokeSize: 5,
    contenders: [
      { name: "multiproc ClusterExecutor submit", run: (n) => oursRun(n, { inFlight: 1 }), close },
      { name: "raw BullMQ add + completed event", peer: true, run: (n) => rawRun(n, { inFlight: 1 }), close },
    ],
  },
  {
    area: "cluster",
    name: "tiny tasks one by one, 256 in flight",
    unit: "tasks/s",
    size: 10_000,
    smokeSize: 20,
    contenders: [
      { name: "multiproc ClusterExecutor submit", run: (n) => oursRun(n, { inFlight: 256 }), close },
      { name: "raw BullMQ add + completed event", peer: true, run: (n) => rawRun(n, { inFlight: 256 }), close },
    ],
  },
  {
    area: "cluster",
    name: `map of 1M tiny items, chunks of ${MAP_CHUNK}`,
    unit: "items/s",
    size: 1_000_000,
    smokeSize: 2_000,
    warmupSize: 100_000,
    contenders: [
      { name: "multiproc ClusterExecutor map", run: (n) => oursMap(n, MAP_CHUNK), close },
      { name: "raw BullMQ, the same chunks as jobs", peer: true, run: (n) => rawRun(n, { inFlight: 64, chunk: MAP_CHUNK }), close },
    ],
  },
];
