import { workerData } from "node:worker_threads";
import { decode, encode, explainTaskError, fromMessage, resolveWorkerTask, serializeError, startThread, type TaskSpec } from "@multiproc/core/internal";
// The worker revives its two queues first thing: load their package with the rest.
import "@multiproc/queue";
import type { Queue } from "@multiproc/queue";
import { putBytesWith, readBytesWith, watchFor, WatchAfterWake } from "@multiproc/queue/internal";
import { decodeSpec, readTask, writeResult } from "./messages.js";
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

/**
 * Puts the result of task `id` (its value, or the error it threw), encoded
 * straight into the results queue; whether that woke the pool's thread. A
 * value that cannot be sent (or does not fit in memory) fails the task with
 * a TypeError that says so. (A closed queue throws: the pool is gone.)
 */
function putResult(results: Queue<Uint8Array>, id: number, status: number, micros: number, value: unknown): boolean {
  const encoded = status === OK ? value : serializeError(value);
  let unsendable = false;
  try {
    const woken = putBytesWith(results, (allocate) =>
      writeResult(allocate, id, status, micros, (inner) => {
        try {
          return encode(encoded, status === OK ? "result" : "error", inner);
        } catch (error) {
          unsendable = true;
          throw error;
        }
      }),
    );
    return woken > 0;
  } catch (error) {
    if (!unsendable || status !== OK) throw error;
    return putResult(results, id, FAILED, micros, new TypeError(`The task's result cannot be sent back: ${(error as Error).message}`, { cause: error }));
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
function nextTask(tasks: Queue<Incoming>, wokeTheirThread: boolean, gapMs: number): Incoming | Promise<Incoming> {
  let caught = false;
  if (watching.shouldWatch(wokeTheirThread, gapMs)) {
    caught = watchFor(tasks, TASK_WATCH_MS);
    watching.watched(wokeTheirThread, caught);
  }
  if (caught || process.getActiveResourcesInfo().length === 0) return tasks.getSync();
  return tasks.get();
}

/** A task as this worker takes it from its queue (readIncoming). */
interface Incoming {
  readonly id: number;
  readonly fnId: number;
  readonly mode: Mode;
  /** The payload decoded (when its function was known), or the error its decode threw. */
  readonly decoded?: { readonly payload: unknown } | { readonly error: unknown };
  /** Copies of the spec and the payload, to decode once the function's module is imported. */
  readonly specBytes?: Uint8Array;
  readonly payload?: Uint8Array;
}

const functions = new Map<number, [TaskSpec, AnyFunction]>();

/**
 * Reads a task message where it lies in the task queue (readBytesWith),
 * saving a copy of every message. The task counts as started from here
 * (crash accounting: a payload whose decode kills the thread fails its task
 * instead of going to the next worker). The payload of a function not
 * imported yet is copied and decoded after the import, as its module may
 * define the kinds of the shareables in it.
 */
function readIncoming(message: Uint8Array): Incoming {
  const { id, fnId, mode, specBytes, payload } = readTask(message);
  Atomics.store(data.status, STARTED, id);
  if (!functions.has(fnId)) return { id, fnId, mode, specBytes: specBytes.slice(), payload: payload.slice() };
  try {
    return { id, fnId, mode, decoded: { payload: decode(payload) } };
  } catch (error) {
    return { id, fnId, mode, decoded: { error } };
  }
}

/** Whether to watch for the next task after a result (see WatchAfterWake). */
const watching = new WatchAfterWake();

/** Before sleeping, watch the queue this long: the next task of a busy pool often comes within microseconds. */
const TASK_WATCH_MS = 0.05;

async function main(): Promise<void> {
  await startThread(data.thread);
  const queues = fromMessage(data.queues) as { tasks: Queue<Uint8Array>; results: Queue<Uint8Array> };
  const tasks = readBytesWith(queues.tasks, readIncoming);
  const { results } = queues;
  if (data.initializer) {
    try {
      const init = await resolveWorkerTask(data.initializer);
      const value = init(...(fromMessage(data.initargs) as unknown[]));
      if (isThenable(value)) await value;
    } catch (error) {
      putResult(results, INIT_FAILED, FAILED, 0, explainTaskError(data.initializer, error));
      return;
    }
  }
  Atomics.store(data.status, READY, 1);
  let wokeTheirThread = false;
  let repliedAt = -Infinity;
  let gapMs = Infinity; // from a result to the task after it: how far apart requests come
  for (let done = 0; data.maxTasks === 0 || done < data.maxTasks; done++) {
    let task: Incoming;
    try {
      const next = nextTask(tasks, wokeTheirThread, gapMs);
      task = next instanceof Promise ? await next : next;
    } catch {
      return; // closed: the pool is done with this worker
    }
    gapMs = performance.now() - repliedAt;
    const { id, fnId, mode, decoded } = task;
    let started = performance.now();
    let status = OK;
    let value: unknown;
    try {
      let entry = functions.get(fnId);
      if (!entry) {
        // A failed import is not cached, so each task that needs it reports it (no hang, no respawn).
        const spec = decodeSpec(task.specBytes!);
        entry = [spec, (await resolveWorkerTask(spec)) as AnyFunction];
        functions.set(fnId, entry);
        started = performance.now(); // the task's run time, without the import of its module
      }
      if (decoded && "error" in decoded) throw decoded.error;
      value = await run(entry[0], entry[1], mode, decoded ? decoded.payload : decode(task.payload!));
    } catch (error) {
      status = FAILED;
      value = error;
    }
    wokeTheirThread = putResult(results, id, status, (performance.now() - started) * 1000, value); // unbounded: never full
    repliedAt = performance.now();
  }
  // maxTasks reached: leaving ends the thread; the pool starts a fresh one.
}

void main();
