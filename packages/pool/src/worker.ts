import { workerData } from "node:worker_threads";
import { decode, encode, explainTaskError, fromMessage, resolveWorkerTask, serializeError, startThread, type TaskSpec } from "@multiproc/core/internal";
// The worker revives its two queues first thing: load their package with the rest.
import "@multiproc/queue";
import type { Queue } from "@multiproc/queue";
import { putAll, watchFor, WatchAfterWake } from "@multiproc/queue/internal";
import { decodeSpec, newResult, readTask } from "./messages.js";
import { CALL, FAILED, INIT_FAILED, MAP, OK, READY, STARTED, type Mode, type PoolWorkerData } from "./protocol.js";

// The loop of one pool worker: take a task from its own queue, say which one
// it started (for crash accounting), run it, put the result. One task at a
// time, as Python's pool; async tasks are awaited, so their event loop runs.
const data = workerData as PoolWorkerData;

type AnyFunction = (...args: unknown[]) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** Calls fn and awaits only what is a promise: a tick per sync call would halve a chunk's speed. */
async function run(spec: TaskSpec, fn: AnyFunction, mode: Mode, payload: unknown): Promise<unknown> {
  try {
    if (mode === CALL) {
      const value = fn(...(payload as unknown[]));
      return isThenable(value) ? await value : value;
    }
    const items = payload as unknown[];
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) {
      const value = mode === MAP ? fn(items[i]) : fn(...(items[i] as unknown[]));
      out[i] = isThenable(value) ? await value : value;
    }
    return out;
  } catch (error) {
    throw explainTaskError(spec, error);
  }
}

function failure(id: number, error: unknown, micros = 0): Uint8Array {
  const serialized = serializeError(error);
  return newResult(id, FAILED, micros, (allocate) => encode(serialized, "error", allocate));
}

/** The result message; a result that cannot be sent fails the task with a TypeError that says so. */
function success(id: number, value: unknown, micros: number): Uint8Array {
  try {
    return newResult(id, OK, micros, (allocate) => encode(value, "result", allocate));
  } catch (error) {
    return failure(id, new TypeError(`The task's result cannot be sent back: ${(error as Error).message}`, { cause: error }), micros);
  }
}

/**
 * The next task. Between tasks this thread has nothing of ours to run, so
 * when nothing else is alive in its event loop (no timer, socket or port a
 * task left behind) it sleeps in Atomics.wait: a notify wakes it in a few
 * microseconds, where an Atomics.waitAsync wake-up goes through the event
 * loop (tens). Otherwise it waits asynchronously, so what a task left
 * running keeps running. (Both throw once the queue is closed.) It first
 * watches the queue a little, unless its result woke the pool's thread
 * and requests come one at a time (WatchAfterWake).
 */
function nextTask(tasks: Queue<Uint8Array>, wokeTheirThread: boolean, gapMs: number): Uint8Array | Promise<Uint8Array> {
  let caught = false;
  if (watching.shouldWatch(wokeTheirThread, gapMs)) {
    caught = watchFor(tasks, TASK_WATCH_MS);
    watching.watched(wokeTheirThread, caught);
  }
  if (caught || process.getActiveResourcesInfo().length === 0) return tasks.getSync();
  return tasks.get();
}

/** Whether to watch for the next task after a result (see WatchAfterWake). */
const watching = new WatchAfterWake();

/** Before sleeping, watch the queue this long: the next task of a busy pool often comes within microseconds. */
const TASK_WATCH_MS = 0.05;

async function main(): Promise<void> {
  await startThread(data.thread);
  const { tasks, results } = fromMessage(data.queues) as { tasks: Queue<Uint8Array>; results: Queue<Uint8Array> };
  if (data.initializer) {
    try {
      const init = await resolveWorkerTask(data.initializer);
      const value = init(...(fromMessage(data.initargs) as unknown[]));
      if (isThenable(value)) await value;
    } catch (error) {
      results.putSync(failure(INIT_FAILED, explainTaskError(data.initializer, error)));
      return;
    }
  }
  Atomics.store(data.status, READY, 1);
  const functions = new Map<number, [TaskSpec, AnyFunction]>();
  let wokeTheirThread = false;
  let repliedAt = -Infinity;
  let gapMs = Infinity; // from a result to the task after it: how far apart requests come
  for (let done = 0; data.maxTasks === 0 || done < data.maxTasks; done++) {
    let message: Uint8Array;
    try {
      const next = nextTask(tasks, wokeTheirThread, gapMs);
      message = next instanceof Uint8Array ? next : await next;
    } catch {
      return; // closed: the pool is done with this worker
    }
    gapMs = performance.now() - repliedAt;
    const { id, fnId, mode, specBytes, payload } = readTask(message);
    Atomics.store(data.status, STARTED, id);
    let started = performance.now();
    let reply: Uint8Array;
    try {
      let entry = functions.get(fnId);
      if (!entry) {
        // A failed import is not cached, so each task that needs it reports it (no hang, no respawn).
        const spec = decodeSpec(specBytes);
        entry = [spec, (await resolveWorkerTask(spec)) as AnyFunction];
        functions.set(fnId, entry);
        started = performance.now(); // the task's run time, without the import of its module
      }
      const value = await run(entry[0], entry[1], mode, decode(payload));
      reply = success(id, value, (performance.now() - started) * 1000);
    } catch (error) {
      reply = failure(id, error, (performance.now() - started) * 1000);
    }
    wokeTheirThread = putAll(results, [reply]) > 0; // unbounded: never full
    repliedAt = performance.now();
  }
  // maxTasks reached: leaving ends the thread; the pool starts a fresh one.
}

void main();
