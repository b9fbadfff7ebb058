import type { Message, TaskSpec, ThreadStartData } from "@multiproc/core/internal";

/**
 * Main thread and pool workers talk through shared-memory queues, not
 * postMessage: each worker has its own task queue (so the pool knows which
 * tasks a worker held when it dies) and all share one results queue.
 */
export interface PoolWorkerData {
  kind: "multiproc.pool-worker";
  thread: ThreadStartData;
  /** `{ tasks, results }`, the two queues, as a core Message (they are shareables). */
  queues: Message;
  /** STARTED: the id of the task this worker is running or last ran; READY: 1 once it can run tasks. */
  status: Int32Array;
  initializer: TaskSpec | undefined;
  initargs: Message;
  /** Tasks to run before the worker retires (Python's maxtasksperchild); 0: no limit. */
  maxTasks: number;
}

export const STARTED = 0;
export const READY = 1;

/** How a task's payload is applied to the function (messages in messages.ts). */
export const CALL = 0; // payload: the args
export const MAP = 1; // payload: items; fn(item) for each
export const STARMAP = 2; // payload: args lists; fn(...args) for each
export type Mode = typeof CALL | typeof MAP | typeof STARMAP;

export const OK = 0;
export const FAILED = 1;

/** The id of the result a worker sends when its initializer threw (then it exits). */
export const INIT_FAILED = -1;
