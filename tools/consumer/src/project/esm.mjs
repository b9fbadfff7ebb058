// A user's ESM program: the umbrella and a primitive package, a Pool task in
// a module of its own, a Queue and a Lock shared with a Process.
import { Lock, Pool, Process, Queue, task } from "multiproc";
import { Semaphore } from "@multiproc/semaphore";

const pool = new Pool({ processes: 2 });
const squares = await pool.map(task(new URL("./jobs.mjs", import.meta.url), "square"), [1, 2, 3, 4]);
await pool.terminate();

const queue = new Queue();
const lock = new Lock();
const child = new Process({ target: task(new URL("./jobs.mjs", import.meta.url), "report"), args: [queue, lock] });
child.start();
const reported = await queue.get();
await child.join();

console.log(JSON.stringify({ squares, reported, exitCode: child.exitCode, semaphore: new Semaphore(2).getValue() }));
