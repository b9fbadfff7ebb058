import { MultiprocError, registerErrorClass, ValueError } from "@multiproc/core/internal";

/** `getNowait()` on an empty queue, or `get({ timeout })` timed out. */
export class QueueEmptyError extends MultiprocError {
  constructor(message = "The queue is empty", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_QUEUE_EMPTY", options);
  }

  /** Always `"QueueEmptyError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "QueueEmptyError";
  }
}

/** `putNowait()` on a full queue, or `put(x, { timeout })` timed out. */
export class QueueFullError extends MultiprocError {
  constructor(message = "The queue is full", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_QUEUE_FULL", options);
  }

  /** Always `"QueueFullError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "QueueFullError";
  }
}

/**
 * A put after `close()`, or a get on a closed queue with nothing left. Extends
 * ValueError, which is what Python raises here.
 */
export class QueueClosedError extends ValueError {
  constructor(message = "The queue is closed", options?: ErrorOptions) {
    super(message, options);
    Object.defineProperty(this, "code", { value: "ERR_MULTIPROC_QUEUE_CLOSED" });
  }

  /** Always `"QueueClosedError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "QueueClosedError";
  }
}

/**
 * A put on a queue that was shut down, or a get on one with nothing left
 * (Python 3.13's `queue.ShutDown`): see `Queue.shutdown()`.
 */
export class ShutDown extends MultiprocError {
  constructor(message = "The queue was shut down", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_QUEUE_SHUT_DOWN", options);
  }

  /** Always `"ShutDown"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "ShutDown";
  }
}

for (const cls of [QueueEmptyError, QueueFullError, QueueClosedError, ShutDown]) registerErrorClass(cls);
