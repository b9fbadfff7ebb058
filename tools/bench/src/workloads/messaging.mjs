// Queue throughput and Pipe round trips, against raw MessagePort and Python.
import { MessageChannel, Worker } from "node:worker_threads";
import { Pipe, Process, Queue, task } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";
import { runWorkers } from "../workers.mjs";

const QUEUE_ROLE = task(new URL("../workers/queue-io.mjs", import.meta.url), "role");
const ECHO = task(new URL("../workers/echo.mjs", import.meta.url), "echoSync");

/** n items from one worker to another through a multiproc Queue. */
function queueThroughput(kind, n) {
  const queue = new Queue({ maxsize: 4096 }); // one queue, both workers
  return runWorkers(QUEUE_ROLE, 2, () => [queue, kind, n], n / 2);
}

/** n items from one plain Worker to another through a MessageChannel. */
async function portThroughput(kind, n) {
  const { port1, port2 } = new MessageChannel();
  const control = new Int32Array(new SharedArrayBuffer(8));
  const times = new Float64Array(new SharedArrayBuffer(32));
  const gate = { control, times };
  const url = new URL("../workers/port-io.mjs", import.meta.url);
  const workers = [
    new Worker(url, { workerData: { port: port1, role: "send", kind, n, gate, i: 0 }, transferList: [port1] }),
    new Worker(url, { workerData: { port: port2, role: "receive", kind, n, gate, i: 1 }, transferList: [port2] }),
  ];
  while (Atomics.load(control, 0) < 2) await Atomics.waitAsync(control, 0, Atomics.load(control, 0), 1000).value;
  Atomics.store(control, 1, 1);
  Atomics.notify(control, 1);
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("exit", resolve))));
  return { ops: n, ms: Math.max(times[1], times[3]) - Math.min(times[0], times[2]) };
}

function queueWorkload(kind, size, label) {
  return {
    area: "queue",
    name: `throughput, ${label}`,
    unit: "items/s",
    size,
    smokeSize: 200,
    contenders: [
      { name: "multiproc Queue (putSync/getSync)", run: (n) => queueThroughput(kind, n) },
      { name: "raw MessagePort postMessage", peer: true, run: (n) => portThroughput(kind, n) },
      { name: "Python multiprocessing.Queue", peer: true, skip: pythonSkip(), run: (n) => runPython("messaging", `queue-${kind}`, Math.min(n, 200_000)) },
    ],
  };
}

/** Round trips from this thread to an echo Process over a Pipe. */
async function pipeRoundTrips(n, sync) {
  const [here, there] = Pipe();
  const server = new Process({ target: ECHO, args: [there] });
  server.start();
  here.send(-1);
  sync ? here.recvSync() : await here.recv(); // the server is up
  const t = performance.now();
  if (sync) {
    for (let i = 0; i < n; i++) {
      here.send(i);
      here.recvSync();
    }
  } else {
    for (let i = 0; i < n; i++) {
      here.send(i);
      await here.recv();
    }
  }
  const ms = performance.now() - t;
  here.close();
  await server.join();
  return { ops: n, ms };
}

async function portRoundTrips(n) {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL("../workers/port-echo.mjs", import.meta.url), { workerData: { port: port2 }, transferList: [port2] });
  const next = () => new Promise((resolve) => port1.once("message", resolve));
  port1.postMessage(-1);
  await next();
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    port1.postMessage(i);
    await next();
  }
  const ms = performance.now() - t;
  port1.close();
  await worker.terminate();
  return { ops: n, ms };
}

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  queueWorkload("int", 1_000_000, "small int"),
  queueWorkload("string100", 500_000, "100-byte string"),
  queueWorkload("bytes64k", 20_000, "64 KiB bytes"),
  {
    area: "pipe",
    name: "round trip to an echo thread",
    unit: "round trips/s",
    size: 50_000,
    smokeSize: 200,
    contenders: [
      { name: "multiproc Pipe recvSync", run: (n) => pipeRoundTrips(n, true) },
      { name: "multiproc Pipe await recv", run: (n) => pipeRoundTrips(n, false) },
      { name: "raw MessagePort round trip", peer: true, run: (n) => portRoundTrips(n) },
      { name: "Python multiprocessing.Pipe", peer: true, skip: pythonSkip(), run: (n) => runPython("messaging", "pipe", Math.min(n, 50_000)) },
    ],
  },
];
