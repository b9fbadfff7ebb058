// Manager: a dict's get and set from another process, one call at a time
// (each op is a round trip to the manager), against Python's Manager().dict().
import { Manager, task } from "multiproc";
import { pythonSkip, runPython } from "../python.mjs";
import { runWorkers } from "../workers.mjs";

const CLIENT = task(new URL("../workers/manager-client.mjs", import.meta.url), "roundTrips");

let manager;

async function dictRoundTrips(mode, n) {
  manager ??= await Manager();
  const dict = await manager.dict({ k: 0 });
  const calls = n / 2; // a get and a set per step
  const sample = await runWorkers(CLIENT, 1, () => [dict, mode, calls], n);
  const total = await dict.get("k");
  if (total !== calls) throw new Error(`expected ${calls} increments, got ${total}`);
  return { ops: n, ms: sample.ms };
}

async function close() {
  await manager?.shutdown();
  manager = undefined;
}

/** @type {import("../harness.mjs").Workload[]} */
export const workloads = [
  {
    area: "manager",
    name: "dict get/set from another process (round trips)",
    unit: "calls/s",
    size: 40_000,
    smokeSize: 200,
    contenders: [
      { name: "multiproc dict getSync/setSync", run: (n) => dictRoundTrips("sync", n), close },
      { name: "multiproc dict await get/set", run: (n) => dictRoundTrips("async", n), close },
      { name: "Python Manager().dict()", peer: true, skip: pythonSkip(), run: (n) => runPython("manager", "dict", Math.min(n, 20_000)) },
    ],
  },
];
