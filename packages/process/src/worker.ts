import { workerData } from "node:worker_threads";
import { callTask, fromMessage, resolveTask, serializeError, startThread } from "@multiproc/core";
import { STATE_EXITED, STATUS_CODE, STATUS_STATE, type ProcessWorkerData, type TargetFailed } from "./protocol.js";

// Runs inside the worker thread of a Process. Imports nothing main-side.
const data = workerData as ProcessWorkerData;

// Runs for a normal end, process.exit() and uncaught errors alike (not for
// terminate() or out-of-memory, which the parent sees through its exit event).
process.on("exit", (code) => {
  Atomics.store(data.status, STATUS_CODE, code);
  Atomics.store(data.status, STATUS_STATE, STATE_EXITED);
  Atomics.notify(data.status, STATUS_STATE);
});

async function main(): Promise<void> {
  try {
    await startThread(data.thread);
    const fn = await resolveTask(data.target);
    const args = fromMessage(data.args) as unknown[];
    await callTask(data.target, fn, args);
  } catch (error) {
    const message: TargetFailed = { type: "failed", error: serializeError(error) };
    data.port.postMessage(message);
    process.exitCode = 1;
  }
  // Like Python, the process ends once the target has returned and nothing
  // else keeps it alive (Node's pending handles play non-daemon threads).
}

void main();
