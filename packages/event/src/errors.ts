import { MultiprocError, registerErrorClass } from "@multiproc/core/internal";

/** A Barrier was aborted, reset, or timed out while this thread waited on it (or was already broken). */
export class BrokenBarrierError extends MultiprocError {
  constructor(message = "The barrier is broken", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_BROKEN_BARRIER", options);
  }

  /** Always `"BrokenBarrierError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "BrokenBarrierError";
  }
}

registerErrorClass(BrokenBarrierError);
