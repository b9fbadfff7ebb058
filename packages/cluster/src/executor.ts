import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { checkOptionNames, describe, ValueError } from "@multiproc/core/internal";
import type { TaskArgs, TaskLike, TaskResult } from "@multiproc/core";
import { Future } from "@multiproc/pool";
import { closeAll, connected, connectionOf, createClient, type RedisConnection } from "./connection.js";
import type { Redis } from "ioredis";
import { encodePayload } from "./payload.js";
import { DEFAULT_PREFIX, DEFAULT_QUEUE, type JobData } from "./protocol.js";
import { ResultRouter } from "./results.js";
import { portableTask, type PortableTask } from "./task-path.js";

/** Options of `new ClusterExecutor()`. */
export interface ClusterExecutorOptions {
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
  /** Events the queue's stream keeps (default 200 000; about 4 per job): it must outlast this client's jobs in flight. Every client of a queue should use the same. */
  maxLenEvents?: number;
}

const OPTION_NAMES = ["connection", "queue", "prefix", "root", "maxInFlight", "maxLenEvents"];

/** Options of `executor.map()`. */
export interface ClusterMapOptions {
  /** Calls per job (default 1): each job costs Redis round trips (~0.3 ms here), so tiny calls want chunks of 100 or more. */
  chunksize?: number;
}

/** A job waiting for its turn (maxInFlight) or out in Redis. */
interface Job {
  readonly id: string;
  readonly data: JobData;
  readonly future: Future<unknown>;
  added: boolean;
}

/**
 * Python's `concurrent.futures` Executor across machines: tasks run on
 * `multiproc-worker` processes on any number of hosts, through a BullMQ
 * queue on Redis; `submit()` returns the same `Future` as the local
 * executors (`wait`, `asCompleted` work on it). Delivery is at-least-once:
 * a task whose worker process dies runs again elsewhere; each Future
 * settles exactly once.
 *
 * @example
 * ```ts
 * await using executor = new ClusterExecutor({ connection: "redis://10.0.0.2:6379" });
 * const digits = task(new URL("./jobs.js", import.meta.url), "factorialDigits");
 * console.log(await executor.submit(digits, 1000));
 * ```
 */
export class ClusterExecutor {
  readonly #clientId = randomUUID().slice(0, 8);
  readonly #root: string | undefined;
  readonly #maxInFlight: number;
  readonly #ready: Promise<{ queue: Queue; router: ResultRouter; producer: Redis }>;
  readonly #waiting: Job[] = [];
  readonly #out = new Map<string, Job>();
  readonly #portables = new WeakMap<object, PortableTask>();
  #seq = 0;
  #shutdown = false;

  constructor(options: ClusterExecutorOptions = {}) {
    checkOptionNames(options, "ClusterExecutor options", OPTION_NAMES);
    const connection = connectionOf(options.connection, "ClusterExecutor");
    const queueName = nameOption(options.queue, "queue", DEFAULT_QUEUE);
    const prefix = nameOption(options.prefix, "prefix", DEFAULT_PREFIX);
    this.#maxInFlight = countOption(options.maxInFlight, "maxInFlight", 1000);
    const maxLenEvents = countOption(options.maxLenEvents, "maxLenEvents", 200_000);
    if (options.root !== undefined && typeof options.root !== "string") throw new TypeError(`Expected \`root\` to be a directory path, got ${describe(options.root)}`);
    this.#root = options.root;
    this.#ready = (async () => {
      const producer = createClient(connection, true);
      const queue = new Queue(queueName, { connection: producer, prefix, streams: { events: { maxLen: maxLenEvents } } });
      queue.on("error", () => {}); // reported through the submits that fail
      try {
        await connected(producer, "the queue");
        await queue.waitUntilReady();
        return { queue, producer, router: await ResultRouter.open(connection, queue, producer, prefix) };
      } catch (error) {
        await closeAll([() => queue.close()], [producer]);
        throw error;
      }
    })();
    this.#ready.catch(() => {}); // reported through each submit
  }

  /** Schedules `fn(...args)` on a worker (Python's `submit`): a Future of its result. TypeError at once for what cannot travel. */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    this.#checkOpen();
    return this.#enqueue(this.#portable(fn), "apply", encodePayload(args, "args")) as Future<TaskResult<F>>;
  }

  /**
   * Python's `executor.map(fn, *iterables, chunksize)`: every call is
   * scheduled now (in jobs of `chunksize` calls), and the results come in
   * order; the first error is thrown where its result would be.
   */
  async *map<F extends TaskLike>(fn: F, ...iterablesAndOptions: (Iterable<unknown> | ClusterMapOptions)[]): AsyncGenerator<TaskResult<F>> {
    this.#checkOpen();
    const last = iterablesAndOptions[iterablesAndOptions.length - 1];
    const hasOptions = last !== undefined && typeof last === "object" && !(Symbol.iterator in (last as object));
    const options = (hasOptions ? last : {}) as ClusterMapOptions;
    const iterables = (hasOptions ? iterablesAndOptions.slice(0, -1) : iterablesAndOptions) as Iterable<unknown>[];
    checkOptionNames(options, "map options", ["chunksize"]);
    const chunksize = countOption(options.chunksize, "chunksize", 1);
    const spec = this.#portable(fn);
    // One iterable: chunks of single args ("map"); more: chunks of zipped args lists ("starmap").
    const mode = iterables.length === 1 ? "map" : "starmap";
    const calls = mode === "map" ? [...checkIterable(iterables[0], 0)] : zip(iterables);
    // Every chunk is encoded before the first is queued: one that cannot travel queues nothing.
    const payloads: string[] = [];
    for (let i = 0; i < calls.length; i += chunksize) {
      const chunk = calls.slice(i, i + chunksize);
      payloads.push(encodePayload(chunk, chunk.length === 1 ? `the call ${i}` : `the calls ${i}–${i + chunk.length - 1}`));
    }
    const chunks = payloads.map((payload) => this.#enqueue(spec, mode, payload));
    try {
      for (const chunk of chunks) for (const value of (await chunk) as unknown[]) yield value as TaskResult<F>;
    } finally {
      for (const chunk of chunks) chunk.cancel(); // a reader that stops early: the calls not started are dropped
    }
  }

  /**
   * Python's `shutdown(wait, cancel_futures)`: no more submits
   * (ValueError); `cancelFutures` cancels what has not started; `wait`
   * (default true) waits for the rest. Then the connections close.
   */
  async shutdown({ wait = true, cancelFutures = false }: { wait?: boolean; cancelFutures?: boolean } = {}): Promise<void> {
    this.#shutdown = true;
    if (cancelFutures) for (const job of [...this.#waiting, ...this.#out.values()]) job.future.cancel();
    if (wait) await Promise.allSettled([...this.#waiting, ...this.#out.values()].map((job) => job.future));
    const ready = await this.#ready.catch(() => undefined);
    if (ready) await Promise.all([ready.router.close(), closeAll([() => ready.queue.close()], [ready.producer])]);
  }

  /** `await using executor = new ClusterExecutor()`: shutdown() on leaving the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** The task for the wire, computed once per task reference (finding its project root reads the disk). */
  #portable(fn: unknown): PortableTask {
    let portable = typeof fn === "object" && fn !== null ? this.#portables.get(fn) : undefined;
    if (!portable) {
      portable = portableTask(fn, this.#root);
      this.#portables.set(fn as object, portable);
    }
    return portable;
  }

  #checkOpen(): void {
    if (this.#shutdown) throw new ValueError("cannot schedule new futures after shutdown");
  }

  #enqueue(fn: PortableTask, mode: JobData["mode"], p: string): Future<unknown> {
    const future = new Future<unknown>();
    const job: Job = { id: `${this.#clientId}-${++this.#seq}`, data: { v: 1, fn, mode, p }, future, added: false };
    future.addDoneCallback(() => {
      if (future.cancelled()) void this.#cancelled(job);
    });
    this.#waiting.push(job);
    this.#pump();
    return future;
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
      await queue.add(job.data.fn.exportName, job.data, { jobId: job.id, removeOnComplete: true, removeOnFail: { age: 3600 }, attempts: 1 });
      job.added = true;
      router.added(job.id);
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

  /** A cancelled future's job: dropped from Redis if it has not started (if it has, its result is ignored when it comes). */
  async #cancelled(job: Job): Promise<void> {
    const at = this.#waiting.indexOf(job);
    if (at >= 0) {
      this.#waiting.splice(at, 1);
      return;
    }
    if (!this.#out.has(job.id)) return;
    try {
      const { queue, router } = await this.#ready;
      if (job.added && (await queue.remove(job.id)) === 1) {
        router.forget(job.id);
        this.#out.delete(job.id);
        this.#pump();
      }
    } catch {
      // Redis is down: its result, if it ever comes, is ignored.
    }
  }
}

function nameOption(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^[\w.-]+$/.test(value)) throw new TypeError(`Expected \`${name}\` to be a name (letters, digits, _ . -), got ${describe(value)}`);
  return value;
}

function countOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1) throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
  return value as number;
}

/** Python's zip over the iterables: one call's args per position, up to the shortest. */
function zip(iterables: Iterable<unknown>[]): unknown[][] {
  if (iterables.length === 0) throw new TypeError("map() needs at least one iterable of arguments");
  const arrays = iterables.map((iterable, i) => [...checkIterable(iterable, i)]);
  const length = Math.min(...arrays.map((a) => a.length));
  return Array.from({ length }, (_, i) => arrays.map((a) => a[i]));
}

function checkIterable(iterable: unknown, i: number): Iterable<unknown> {
  if (iterable === null || typeof (iterable as Iterable<unknown>)?.[Symbol.iterator] !== "function") throw new TypeError(`Expected argument ${i + 2} of map() to be iterable, got ${describe(iterable)}`);
  return iterable as Iterable<unknown>;
}
