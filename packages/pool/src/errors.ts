import { MultiprocError, registerErrorClass } from "@multiproc/core/internal";

/**
 * How a worker thread ended while it held a task; "lost": a cluster job
 * whose worker process died more often than the queue allows
 * (`@multiproc/cluster`).
 */
export type WorkerDeath = "exit" | "uncaught" | "out-of-memory" | "terminated" | "lost";

/**
 * A task's worker died before the task finished: it called `process.exit`,
 * threw outside the task (an uncaught error in a callback), ran out of
 * memory, or was terminated. The Pool replaced the worker; other tasks carry on.
 */
export class WorkerDiedError extends MultiprocError {
  /** How the worker ended: "exit", "uncaught", "out-of-memory", "terminated", or "lost" (a cluster job). */
  readonly how: WorkerDeath;
  /** The worker thread's exit code. */
  readonly exitCode: number;

  constructor(message: string, how: WorkerDeath, exitCode: number, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_WORKER_DIED", options);
    this.how = how;
    this.exitCode = exitCode;
  }

  /** Always `"WorkerDiedError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "WorkerDiedError";
  }
}

/**
 * The pool cannot run tasks any more: a worker of a ProcessPoolExecutor died
 * abruptly (as Python's BrokenProcessPool), or an initializer failed. Pending
 * tasks fail with it and later submits throw it; `cause` says what happened.
 */
export class BrokenPoolError extends MultiprocError {
  constructor(message = "The pool is broken", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_BROKEN_POOL", options);
  }

  /** Always `"BrokenPoolError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "BrokenPoolError";
  }
}

/** `result()` or `exception()` of a Future that was cancelled. */
export class CancelledError extends MultiprocError {
  constructor(message = "The future was cancelled", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_CANCELLED", options);
  }

  /** Always `"CancelledError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "CancelledError";
  }
}

/**
 * A Future was completed twice, or marked running when it is not pending
 * (Python's `concurrent.futures.InvalidStateError`).
 */
export class InvalidStateError extends MultiprocError {
  constructor(message = "The future is in an unexpected state", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_INVALID_STATE", options);
  }

  /** Always `"InvalidStateError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "InvalidStateError";
  }
}

for (const cls of [WorkerDiedError, BrokenPoolError, CancelledError, InvalidStateError]) registerErrorClass(cls);
