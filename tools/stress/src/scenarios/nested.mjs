// A Process whose own child works on shared objects is killed: Node ends the
// grandchild at whatever instruction it was at, outside multiproc's control.
// The objects it used must keep working, and the arena must keep allocating.
import { Lock, Process, Queue, SharedArray, task } from "multiproc";
import { until } from "./until.mjs";

const TASKS = new URL("../workers/tasks.mjs", import.meta.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function killMiddle(rng, work, shared) {
  const progress = new SharedArray("i", 1);
  const p = new Process({ target: task(TASKS, "middle"), args: [work, shared, progress], printErrors: false });
  p.start();
  await until(progress, 0, 100);
  await sleep(rng() * 30);
  if (rng() < 0.5) await p.terminate();
  else await p.kill();
}

/** The grandchild hammers a Queue and a Lock: afterwards both still work. */
export async function queueAndLock(rng) {
  const queue = new Queue();
  const lock = new Lock();
  await killMiddle(rng, "hammer", { queue, lock });
  if (!(await lock.acquire({ timeout: 5_000 }))) return `the lock wedged: ${lock}`;
  lock.release();
  for (const item of ["a", "b"]) await queue.put(item, { timeout: 5_000 });
  const got = [];
  for (;;) {
    const item = await queue.get({ timeout: 5_000 });
    if (item === "a" || item === "b") got.push(item);
    if (got.length === 2) break;
  }
  return got.join() === "a,b" ? undefined : `the queue lost or reordered items: ${got}`;
}

/** The grandchild allocates shared blocks: afterwards this thread still allocates (the arena's lock is not left held). */
export async function arena(rng) {
  await killMiddle(rng, "allocate", {});
  const done = new Promise((resolve) => {
    for (let i = 0; i < 1_000; i++) new Lock();
    resolve(undefined);
  });
  return done;
}
