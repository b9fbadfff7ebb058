import type { MessagePort } from "node:worker_threads";
import type { Message, SerializedError, TaskSpec, ThreadStartData } from "@multiproc/core/internal";

/**
 * What a Process worker receives in `workerData` (parent -> worker, once).
 * `status` is the exit word pair the worker's exit hook writes, so that the
 * parent can join synchronously while its event loop is blocked.
 */
export interface ProcessWorkerData {
  kind: "multiproc.process";
  thread: ThreadStartData;
  target: TaskSpec;
  args: Message;
  status: Int32Array;
  port: MessagePort;
  /** Print an error that ends the process to stderr (Python prints the traceback). */
  printErrors: boolean;
}

/** worker -> parent, on the port: what the target threw, sent before the worker exits. */
export interface TargetFailed {
  type: "failed";
  error: SerializedError;
}

/** Words of `status`. */
export const STATUS_STATE = 0;
export const STATUS_CODE = 1;
export const STATE_RUNNING = 0;
export const STATE_EXITED = 1;
