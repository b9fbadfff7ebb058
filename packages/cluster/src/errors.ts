import { MultiprocError, registerErrorClass } from "@multiproc/core/internal";

/**
 * Redis no longer has the job of a pending Future: it restarted without
 * persistence (or lost data on a failover) while the job waited or ran.
 * The task may or may not have run; submit it again if it is idempotent.
 * Run Redis with AOF (`appendonly yes`) to keep jobs across restarts.
 */
export class JobLostError extends MultiprocError {
  /** The BullMQ job id (`<client>-<seq>`). */
  readonly jobId: string;

  constructor(message: string, jobId: string, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_JOB_LOST", options);
    this.jobId = jobId;
  }

  /** Always `"JobLostError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "JobLostError";
  }
}

registerErrorClass(JobLostError);
