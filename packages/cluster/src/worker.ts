import { serialize } from "node:v8";
import { Worker as BullWorker, type Job } from "bullmq";
import { checkOptionNames, describe, serializeError } from "@multiproc/core/internal";
import { Pool } from "@multiproc/pool";
import { availableParallelism, hostname } from "node:os";
import { closeAll, connected, connectionOf, createClient, type RedisConnection } from "./connection.js";
import { decodePayload, encodePayload } from "./payload.js";
import { CodeVersionError } from "./errors.js";
import { cancelChannel, checkCodeVersion, DEFAULT_PREFIX, DEFAULT_QUEUE, type JobData, type JobResult } from "./protocol.js";
import { taskOnWorker } from "./task-path.js";

/** Options of `startWorker()` (and the `multiproc-worker` CLI's flags). */
export interface WorkerOptions {
  /** Redis: a URL, a unix socket path or ioredis options; default `MULTIPROC_REDIS_URL`. */
  connection?: RedisConnection;
  /** The queue to serve; default "multiproc". */
  queue?: string;
  /** BullMQ's key prefix; default "mp" (the clients' too). */
  prefix?: string;
  /** Pool threads that run the tasks; default cpuCount(). */
  threads?: number;
  /** Jobs taken at once; default 2 × threads (one waiting per busy thread). */
  concurrency?: number;
  /** The directory task paths are resolved under; default the current directory. */
  root?: string;
  /** Modules each pool thread imports first (a loader, say), as Pool's `preload`. */
  preload?: string[];
  /** BullMQ's job lock, ms (default 30 000); the lock is renewed at half of it. */
  lockDuration?: number;
  /** How often stalled jobs (of dead workers) are looked for, ms (default 15 000). */
  stalledInterval?: number;
  /** Re-deliveries of a stalled job before it fails as lost (default 1). */
  maxStalled?: number;
  /**
   * The version of the code this worker runs: tasks from a client with
   * another `codeVersion` are refused (CodeVersionError), never run. Tasks
   * from clients without one run anywhere.
   */
  codeVersion?: string;
  /**
   * Run code sent through Redis: functions by value, and `data:` and `node:`
   * modules (default false: only exports of modules under `root`). Anyone
   * who can write to the Redis can then run any code on this host: enable
   * it only on a Redis that only trusted clients can reach and write to.
   */
  allowSource?: boolean;
}

/** A running worker: `close()` finishes the jobs it holds (for up to `lockDuration`; never waits on a Redis that is down), then stops. */
export interface ClusterWorker {
  /** The pool threads that run its tasks. */
  readonly threads: number;
  /** Stops taking jobs, lets the jobs it holds finish (up to `lockDuration`), closes the pool and the connection; never hangs on a Redis that is down. */
  close(): Promise<void>;
}

const OPTION_NAMES = ["connection", "queue", "prefix", "threads", "concurrency", "root", "preload", "lockDuration", "stalledInterval", "maxStalled", "codeVersion", "allowSource"];

/**
 * Serves a queue: BullMQ's Worker on this thread takes jobs and keeps
 * their locks; each task runs on a thread of a local multiproc Pool, so a
 * CPU-bound task never blocks the lock renewal (the design spike measured
 * false stalls, a task run twice, otherwise). Task errors complete the job
 * with the error inside (class, stack, cause, own properties), as the
 * local pool reports them; they are not retried.
 */
export async function startWorker(options: WorkerOptions = {}): Promise<ClusterWorker> {
  checkOptionNames(options, "startWorker options", OPTION_NAMES);
  const connection = connectionOf(options.connection, "startWorker");
  const threads = positive(options.threads, "threads", availableParallelism());
  const concurrency = positive(options.concurrency, "concurrency", 2 * threads);
  const root = options.root ?? process.cwd();
  const lockDuration = positive(options.lockDuration, "lockDuration", 30_000);
  const codeVersion = checkCodeVersion(options.codeVersion, "codeVersion");
  if (options.allowSource !== undefined && typeof options.allowSource !== "boolean") throw new TypeError(`Expected \`allowSource\` to be a boolean, got ${describe(options.allowSource)}`);
  const allowSource = options.allowSource ?? false;
  const queue = options.queue ?? DEFAULT_QUEUE;
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const client = createClient(connection, false);
  // Cancellations of running jobs come on a channel, which takes a connection of its own (subscriber mode).
  const cancels = createClient(connection, false);
  try {
    await Promise.all([connected(client, "the worker's queue"), connected(cancels, "the worker's cancel channel")]);
    await cancels.subscribe(cancelChannel(prefix, queue));
  } catch (error) {
    client.disconnect();
    cancels.disconnect();
    throw error;
  }
  const pool = new Pool({ processes: threads, ...(options.preload && { preload: options.preload }) });
  // Three parameters: BullMQ passes a job's AbortSignal only to a processor that declares it.
  const processor = (job: Job<JobData>, _token: string | undefined, signal: AbortSignal | undefined) => run(pool, root, codeVersion, allowSource, job.data, signal);
  const worker = new BullWorker(queue, processor, {
    connection: client,
    prefix,
    concurrency,
    lockDuration,
    stalledInterval: positive(options.stalledInterval, "stalledInterval", 15_000),
    maxStalledCount: positive(options.maxStalled, "maxStalled", 1),
    autorun: true,
  });
  worker.on("error", () => {}); // a lost connection: ioredis reconnects, the worker resumes
  // Only the worker running the job has it; the others find nothing to cancel.
  cancels.on("message", (_channel: string, jobId: string) => worker.cancelJob(jobId, "The job was cancelled by its client (its signal aborted)"));
  await worker.waitUntilReady();
  return {
    threads,
    async close() {
      // The jobs held finish first (up to a lock's duration: past it, they run again elsewhere anyway).
      await closeAll([() => worker.close()], [client, cancels], lockDuration);
      pool.close();
      await pool.join();
    },
  };
}

/** Runs a job's task on the pool; `signal` (the job cancelled by its client) stops it there, replacing the pool thread. */
async function run(pool: Pool, root: string, codeVersion: string | undefined, allowSource: boolean, data: JobData, signal: AbortSignal | undefined): Promise<JobResult> {
  try {
    if (data?.v !== 1) throw new TypeError(`Not a multiproc job (version ${describe(data?.v)}): is a newer client using this queue?`);
    if (data.cv !== undefined && data.cv !== codeVersion) throw refusal(data.cv, codeVersion);
    const fn = taskOnWorker(data.fn, root, allowSource);
    const args = decodePayload(data.p) as unknown[];
    const options = { signal };
    const value =
      data.mode === "map" ? await pool.map(fn, args, options) : data.mode === "starmap" ? await pool.starmap(fn, args as unknown[][], options) : await pool.apply(fn, args, options);
    return { ok: true, p: encodePayload(value, "the result") };
  } catch (error) {
    return { ok: false, e: serialize(serializeError(error)).toString("base64") };
  }
}

function refusal(needed: string, running: string | undefined): CodeVersionError {
  const runs = running === undefined ? "declares no code version (start it with --code-version)" : `runs code version "${running}"`;
  return new CodeVersionError(
    `This task needs code version "${needed}"; the worker (pid ${process.pid} on ${hostname()}) ${runs}, so it did not run it. Deploy that version to the workers, or send the task from a client of their version.`,
    needed,
    running,
  );
}

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
  return value as number;
}
