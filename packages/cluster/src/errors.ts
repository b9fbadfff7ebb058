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

/**
 * A worker refused a task because the task needs another version of the
 * code than the worker runs: the client's `codeVersion` differs from the
 * worker's `--code-version` (or the worker declares none). Nothing of the
 * task ran. Deploy the code the task needs to the workers (started with
 * that `--code-version`), or send the task from a client of their version.
 */
export class CodeVersionError extends MultiprocError {
  /** The version the task needs (the client's `codeVersion`). */
  readonly needed: string;
  /** The version the worker runs (its `--code-version`); undefined if it declares none. */
  readonly running: string | undefined;

  constructor(message: string, needed: string, running: string | undefined, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_CODE_VERSION", options);
    this.needed = needed;
    this.running = running;
  }

  /** Always `"CodeVersionError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "CodeVersionError";
  }
}

registerErrorClass(CodeVersionError);

/**
 * A worker refused a task because it is code sent by value (a function's
 * source, or a `data:` or `node:` module) and the worker was not started
 * with `--allow-source` (`allowSource: true`). Without that flag a worker
 * runs only exported functions of modules under its `--root` (and packages
 * installed there): otherwise anyone who can write to its Redis could run
 * any code on its host. Nothing of the task ran.
 */
export class SourceNotAllowedError extends MultiprocError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_SOURCE_NOT_ALLOWED", options);
  }

  /** Always `"SourceNotAllowedError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "SourceNotAllowedError";
  }
}

registerErrorClass(SourceNotAllowedError);
