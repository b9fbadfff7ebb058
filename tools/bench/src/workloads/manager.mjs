// Manager: a dict's get and set from another process, one call at a time
// (each op is a round trip to the manager), against Python's Manager().dict().
import { execFile } from "node:child_process";
import { promisify } from "node:util";
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

const REMOTE_CLIENT = new URL("../workers/remote-manager-client.mjs", import.meta.url).pathname;
const AUTHKEY = "bench";
let remote;

/** A remote manager here, its client in another OS process over 127.0.0.1. */
async function remoteRoundTrips(mode, n, inFlight = 1) {
  remote ??= await Manager({ address: ["127.0.0.1", 0], authkey: AUTHKEY });
  const { stdout } = await promisify(execFile)(process.execPath, [REMOTE_CLIENT, String(remote.address[1]), AUTHKEY, mode, String(n), String(inFlight)]);
  return JSON.parse(stdout.trim().split("\n").pop());
}

async function closeRemote() {
  await remote?.shutdown();
  remote = undefined;
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
  {
    area: "manager",
    name: "remote manager dict get/set, client in another OS process over 127.0.0.1",
    unit: "calls/s",
    size: 6_000,
    smokeSize: 100,
    contenders: [
      { name: "multiproc remote getSync/setSync", run: (n) => remoteRoundTrips("sync", n), close: closeRemote },
      { name: "multiproc remote await get/set", run: (n) => remoteRoundTrips("async", n), close: closeRemote },
      { name: "multiproc remote set, 64 in flight", run: (n) => remoteRoundTrips("pipelined", n * 4, 64), close: closeRemote },
      { name: "Python remote SyncManager dict", peer: true, skip: pythonSkip(), run: (n) => runPython("manager", "remote", n) },
    ],
  },
];
