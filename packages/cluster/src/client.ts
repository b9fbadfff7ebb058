import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { checkOptionNames, describe } from "@multiproc/core/internal";
import { Future } from "@multiproc/pool";
import { closeAll, connected, connectionOf, createClient, type RedisConnection } from "./connection.js";
import { encodePayload } from "./payload.js";
import { cancelChannel, checkCodeVersion, DEFAULT_PREFIX, DEFAULT_QUEUE, type JobData } from "./protocol.js";
import { ResultRouter } from "./results.js";
import { jobName, portableTask, type PortableTask } from "./task-path.js";

/** Options of `new ClusterExecutor()` and `new ClusterPool()`: where the queue is, and how much of it this client may use. */
export interface ClusterOptions {
  /** Redis: a URL or ioredis options; default `MULTIPROC_REDIS_URL`. */
  connection?: RedisConnection;
  /** The queue the workers serve (`multiproc-worker --queue`); default "multiproc". */
  queue?: string;
  /** BullMQ's key prefix; default "mp" (apart from your own queues). Workers must use the same. */
  prefix?: string;
  /** The project root task modules are sent relative to; default: the nearest package.json above each task's module. */
  root?: string;
  /** Jobs this client has in Redis at once (default 1000); more wait here, in submission order. */
  maxInFlight?: number;
  /**
   * The version of the task code this client's tasks need (a release tag,
   * a commit hash): a worker started with another `--code-version`, or with
   * none, refuses them with CodeVersionError instead of running stale code.
   * Absent: any worker runs them.
   */
  codeVersion?: string;
  /**
   * How often (ms) the jobs out in Redis are checked for ones Redis no
   * longer has (deleted, evicted), which then reject with JobLostError;
   * default 30 000. (After every reconnect they are checked at once.)
   */
  reconcileInterval?: number;
  /** Events the queue's stream keeps (default 200 000; about 4 per job): it must outlast this client's jobs in flight. Every client of a queue should use the same. */
  maxLenEvents?: number;
}

export const CLIENT_OPTIONS = ["connection", "queue", "prefix", "root", "maxInFlight", "maxLenEvents", "codeVersion", "reconcileInterval"];

/** A job waiting for its turn (maxInFlight) or out in Redis. */
interface Job {
  readonly id: string;
  readonly data: JobData;
  readonly future: Future<unknown>;
  added: boolean;
  /** Its signal aborted: stop it wherever it is (see #aborted). */
  aborted: boolean;
}

/**
 * What ClusterExecutor and ClusterPool share: the connections (a producer
 * that fails fast, the result router), jobs sent in submission order up to
 * maxInFlight, each settling its Future once, cancellation of queued jobs,
 * and a close that never hangs on Redis.
 */
export class JobClient {
  readonly #clientId = randomUUID().slice(0, 8);
  readonly #root: string | undefined;
  readonly #maxInFlight: number;
  readonly #codeVersion: string | undefined;
  readonly #ready: Promise<{ queue: Queue; router: ResultRouter; producer: Redis }>;
  readonly #cancelChannel: string;
  readonly #waiting: Job[] = [];
  readonly #out = new Map<string, Job>();
  readonly #portables = new WeakMap<object, PortableTask>();
  #seq = 0;

  constructor(options: ClusterOptions, what: string, extraOptionNames: string[] = []) {
    checkOptionNames(options, `${what} options`, [...CLIENT_OPTIONS, ...extraOptionNames]);
    const connection = connectionOf(options.connection, what);
    const queueName = nameOption(options.queue, "queue", DEFAULT_QUEUE);
    const prefix = nameOption(options.prefix, "prefix", DEFAULT_PREFIX);
    this.#maxInFlight = countOption(options.maxInFlight, "maxInFlight", 1000);
    this.#codeVersion = checkCodeVersion(options.codeVersion, "codeVersion");
    const maxLenEvents = countOption(options.maxLenEvents, "maxLenEvents", 200_000);
    const reconcileInterval = countOption(options.reconcileInterval, "reconcileInterval", 30_000);
    if (options.root !== undefined && typeof options.root !== "string") throw new TypeError(`Expected \`root\` to be a directory path, got ${describe(options.root)}`);
    this.#root = options.root;
    this.#cancelChannel = cancelChannel(prefix, queueName);
    this.#ready = (async () => {
      const producer = createClient(connection, true);
      const queue = new Queue(queueName, { connection: producer, prefix, streams: { events: { maxLen: maxLenEvents } } });
      queue.on("error", () => {}); // reported through the submits that fail
      try {
        await connected(producer, "the queue");
        await queue.waitUntilReady();
        return { queue, producer, router: await ResultRouter.open(connection, queue, producer, prefix, reconcileInterval) };
      } catch (error) {
        await closeAll([() => queue.close()], [producer]);
        throw error;
      }
    })();
    this.#ready.catch(() => {}); // reported through each submit
  }

  /** Jobs not yet settled (waiting here or out in Redis). */
  get pending(): number {
    return this.#waiting.length + this.#out.size;
  }

  /** The task for the wire, computed once per task reference (finding its project root reads the disk). */
  portable(fn: unknown): PortableTask {
    let portable = typeof fn === "object" && fn !== null ? this.#portables.get(fn) : undefined;
    if (!portable) {
      portable = portableTask(fn, this.#root);
      this.#portables.set(fn as object, portable);
    }
    return portable;
  }

  /**
   * A job of `fn` with payload `p` (see JobData), sent in its turn: its
   * Future. When `signal` aborts, the Future fails with its reason at once
   * and the job is stopped wherever it is: dropped here, removed from Redis,
   * or aborted on the worker running it.
   */
  enqueue(fn: PortableTask, mode: JobData["mode"], p: string, signal?: AbortSignal): Future<unknown> {
    const future = new Future<unknown>();
    const job: Job = {
      id: `${this.#clientId}-${++this.#seq}`,
      data: this.#codeVersion === undefined ? { v: 1, fn, mode, p } : { v: 1, fn, mode, p, cv: this.#codeVersion },
      future,
      added: false,
      aborted: false,
    };
    if (signal?.aborted) {
      future.setRunningOrNotifyCancel();
      future.setException(signal.reason);
      return future;
    }
    const onAbort = () => void this.#aborted(job, signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    future.addDoneCallback(() => {
      signal?.removeEventListener("abort", onAbort);
      if (future.cancelled()) void this.#withdraw(job, false);
    });
    this.#waiting.push(job);
    this.#pump();
    return future;
  }

  /** Encodes `chunks` (all of them first: one that cannot travel queues nothing), then enqueues them in order. */
  enqueueChunks(fn: PortableTask, mode: "map" | "starmap", chunks: { items: unknown[]; from: number }[], signal?: AbortSignal): Future<unknown>[] {
    const payloads = chunks.map(({ items, from }) => encodePayload(items, items.length === 1 ? `the call ${from}` : `the calls ${from}–${from + items.length - 1}`));
    return payloads.map((payload) => this.enqueue(fn, mode, payload, signal));
  }

  /** How many worker processes serve the queue now (BullMQ's CLIENT LIST count); 0 when none does or Redis cannot say. */
  async workers(): Promise<number> {
    try {
      const { queue } = await this.#ready;
      return await queue.getWorkersCount();
    } catch {
      return 0;
    }
  }

  /** Cancels every job not started (their Futures report cancelled). */
  cancelAll(): void {
    for (const job of [...this.#waiting, ...this.#out.values()]) job.future.cancel();
  }

  /** Settles when every job has settled. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.#waiting, ...this.#out.values()].map((job) => job.future));
  }

  /** Closes the connections (never hangs on Redis). */
  async close(): Promise<void> {
    const ready = await this.#ready.catch(() => undefined);
    if (ready) await Promise.all([ready.router.close(), closeAll([() => ready.queue.close()], [ready.producer])]);
  }

  /** Sends waiting jobs while fewer than maxInFlight are out. */
  #pump(): void {
    while (this.#out.size < this.#maxInFlight && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      if (job.future.done()) continue; // cancelled while it waited here
      this.#out.set(job.id, job);
      void this.#add(job);
    }
  }

  async #add(job: Job): Promise<void> {
    try {
      const { queue, router, producer } = await this.#ready;
      // Fail fast, with why, rather than ioredis' "Stream isn't writeable".
      if (producer.status !== "ready") throw new Error(`Redis is not reachable (the connection is ${producer.status})`);
      // Listen before adding: the job's events may come before add() resolves.
      router.listen(job.id, {
        active: () => {
          if (!job.future.done() && !job.future.running()) job.future.setRunningOrNotifyCancel();
        },
        settle: (ok, value) => this.#settle(job, ok, value),
      });
      await queue.add(jobName(job.data.fn), job.data, { jobId: job.id, removeOnComplete: true, removeOnFail: { age: 3600 }, attempts: 1 });
      job.added = true;
      router.added(job.id);
      if (job.future.done()) await this.#withdraw(job, job.aborted); // cancelled or aborted while it was being added
    } catch (error) {
      void this.#ready.then(({ router }) => router.forget(job.id), () => {});
      const message = (error as Error).message;
      const reason = /Stream isn't writeable|Connection is closed|ECONNREFUSED|ECONNRESET/.test(message) && !message.startsWith("Cannot reach") ? `Redis is not reachable (${message})` : message;
      this.#settle(job, false, new Error(`Could not queue the task on Redis: ${reason}`, { cause: error }));
    }
  }

  #settle(job: Job, ok: boolean, value: unknown): void {
    this.#out.delete(job.id);
    const { future } = job;
    if (!future.done()) {
      if (!future.running()) future.setRunningOrNotifyCancel();
      if (ok) future.setResult(value);
      else future.setException(value);
    }
    this.#pump();
  }

  /**
   * A job whose signal aborted: its Future fails with the reason now (as a
   * local Pool's task does), and the job is stopped: dropped if it is still
   * here, removed from Redis if no worker took it, and otherwise aborted on
   * the worker that holds it, which stops and replaces the pool thread
   * running it. Until that job's result comes back (its task's error, or
   * what it returned if it ended first), it still counts against maxInFlight.
   */
  async #aborted(job: Job, reason: unknown): Promise<void> {
    if (job.future.done()) return;
    job.aborted = true;
    if (!job.future.running()) job.future.setRunningOrNotifyCancel();
    job.future.setException(reason);
    await this.#withdraw(job, true);
  }

  /**
   * Takes back the job of a settled Future (cancelled, or its signal
   * aborted): dropped if it is still here, removed from Redis if no worker
   * took it; one already running is, with `abortRunning`, aborted on the
   * worker holding it (only that worker acts on the message), and otherwise
   * runs to its end. Either way its result, when it comes, is ignored.
   */
  async #withdraw(job: Job, abortRunning: boolean): Promise<void> {
    const at = this.#waiting.indexOf(job);
    if (at >= 0) {
      this.#waiting.splice(at, 1);
      return;
    }
    if (!job.added || !this.#out.has(job.id)) return; // being added (#add withdraws it then) or already back
    try {
      const { queue, router, producer } = await this.#ready;
      if ((await queue.remove(job.id)) === 1) {
        router.forget(job.id);
        this.#out.delete(job.id);
        this.#pump();
      } else if (abortRunning && this.#out.has(job.id)) {
        await producer.publish(this.#cancelChannel, job.id);
      }
    } catch {
      // Redis is down: the job runs to its end if it runs at all; its result is ignored.
    }
  }
}

function nameOption(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^[\w.-]+$/.test(value)) throw new TypeError(`Expected \`${name}\` to be a name (letters, digits, _ . -), got ${describe(value)}`);
  return value;
}

export function countOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
  return value as number;
}
