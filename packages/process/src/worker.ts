import { inspect } from "node:util";
import { workerData } from "node:worker_threads";
import { callTask, fromMessage, resolveWorkerTask, serializeError, startThread } from "@multiproc/core/internal";
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

/**
 * As Python prints a failing child's traceback under `Process Process-3:`,
 * straight to this thread's stderr (which writes to fd 2 at once: see
 * core's thread/output.ts), so it comes in order with the child's own output.
 */
function printError(error: unknown): void {
  if (data.printErrors) process.stderr.write(`Process ${data.thread.name}:\n${inspect(error)}\n`);
}

// An error thrown later, outside the target (a timer, a rejected promise): it ends the worker too.
process.on("uncaughtExceptionMonitor", printError);

async function main(): Promise<void> {
  try {
    await startThread(data.thread);
    const fn = await resolveWorkerTask(data.target);
    const args = fromMessage(data.args) as unknown[];
    await callTask(data.target, fn, args);
  } catch (error) {
    printError(error);
    const message: TargetFailed = { type: "failed", error: serializeError(error) };
    data.port.postMessage(message);
    process.exitCode = 1;
  }
  // Like Python, the process ends once the target has returned and nothing
  // else keeps it alive (Node's pending handles play non-daemon threads).
}

void main();
