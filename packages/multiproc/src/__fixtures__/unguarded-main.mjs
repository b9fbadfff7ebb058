// The trap of Python's "safe importing of the main module": a program whose
// tasks live in the same module as code that starts workers at top level,
// with no guard. Each worker imports this module for its task, so without
// the check each would start more. Argument: "pool", "executor" or "process".
import { isMainThread } from "node:worker_threads";
import { Pool, Process, ProcessPoolExecutor, Queue, task } from "multiproc";

export function square(x) {
  return x * x;
}

export function report(queue) {
  queue.putSync("target ran");
}

const how = process.argv[2] ?? "pool";
const where = isMainThread ? "main" : "worker";
const SELF = import.meta.url;
try {
  if (how === "pool") {
    const pool = new Pool({ processes: 1 });
    try {
      console.log(`${where}: result ${await pool.apply(task(SELF, "square"), [3])}`);
    } finally {
      await pool.terminate();
    }
  } else if (how === "executor") {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    try {
      console.log(`${where}: result ${await executor.submit(task(SELF, "square"), 4).result()}`);
    } finally {
      await executor.shutdown();
    }
  } else {
    const queue = new Queue();
    const child = new Process({ target: task(SELF, "report"), args: [queue], printErrors: false });
    child.start();
    await child.join();
    console.log(`${where}: exitcode ${child.exitCode}, ${child.error?.message ?? (await queue.get())}`);
  }
} catch (error) {
  if (!isMainThread) throw error; // the worker's import fails, and with it the task
  console.log(`${where}: ${error.constructor.name}: ${error.message}`);
}
