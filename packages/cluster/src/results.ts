import { QueueEvents, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import { deserializeError } from "@multiproc/core/internal";
import { WorkerDiedError } from "@multiproc/pool";
import { closeAll, connected, createClient, type RedisConnection } from "./connection.js";
import { JobLostError } from "./errors.js";
import { decodePayload } from "./payload.js";
import type { JobResult } from "./protocol.js";

/** What the router tells a job's owner. */
export interface JobListener {
  /** The job started on a worker. */
  active(): void;
  /** Its outcome: the task's value, or the error it threw (or why the job failed). */
  settle(ok: boolean, value: unknown): void;
}

/** How long a failed reconciliation waits before it tries again (Redis still coming back). */
const RECONCILE_RETRY_MS = 500;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

const STREAM_ID = /^\d+-\d+$/;

/** QueueEvents and the id of the last stream entry it handed out (every event's last argument). */
interface TrackedQueueEvents extends QueueEvents {
  lastId: string;
  onProgress: (() => void) | undefined;
}

function tracked(events: QueueEvents, lastId: string): TrackedQueueEvents {
  const self: TrackedQueueEvents = Object.assign(events, { lastId, onProgress: undefined as (() => void) | undefined });
  const emit = (events.emit as Emit).bind(events);
  (self as unknown as { emit: Emit }).emit = (event, ...args) => {
    const id = args[args.length - 1];
    // XREAD hands entries out in stream order (each twice: "completed" and "completed:<id>"), so no ordering check per event.
    if (typeof id === "string" && id !== self.lastId && STREAM_ID.test(id)) {
      self.lastId = id;
      self.onProgress?.();
    }
    return emit(event, ...args);
  };
  return self;
}

/**
 * One QueueEvents stream per client, routing each job's events to its
 * owner by job id. Pitfalls measured in the design spike are closed here:
 * - the stream is read from its last entry before this client's first job
 *   (QueueEvents alone starts at "$" only once it runs, and missed ~1.4k
 *   completions of a burst sent right after start-up);
 * - the queue keeps enough events (ClusterExecutor's maxLenEvents) for the
 *   jobs in flight;
 * - after every reconnect the pending jobs are reconciled: a job Redis no
 *   longer has (a restart without persistence) rejects with JobLostError
 *   instead of pending forever; and every `reconcileInterval` while jobs
 *   are out, for jobs lost without a reconnect (deleted, evicted).
 */
export class ResultRouter {
  readonly #listeners = new Map<string, JobListener>();
  /** Jobs whose add() Redis confirmed: only those can be found lost. */
  readonly #inRedis = new Set<string>();
  readonly #events: TrackedQueueEvents;
  readonly #eventsClient: Redis;
  readonly #queue: Queue;
  readonly #producer: Redis;
  readonly #eventsKey: string;
  #reconciling = false;
  #reconcileAgain = false;
  #closed = false;
  readonly #sweep: ReturnType<typeof setInterval>;

  private constructor(events: TrackedQueueEvents, eventsClient: Redis, queue: Queue, producer: Redis, eventsKey: string, reconcileInterval: number) {
    this.#events = events;
    this.#eventsClient = eventsClient;
    this.#queue = queue;
    this.#producer = producer;
    this.#eventsKey = eventsKey;
    events.on("active", ({ jobId }) => this.#listeners.get(jobId)?.active());
    events.on("completed", ({ jobId, returnvalue }) => this.#completed(jobId, returnvalue as unknown));
    events.on("failed", ({ jobId, failedReason }) => this.#failed(jobId, failedReason));
    events.on("error", () => {}); // a lost connection: ioredis reconnects, and the stream is read on from where it was
    this.#sweep = setInterval(() => {
      if (this.#inRedis.size > 0) this.reconcile();
    }, reconcileInterval).unref();
    // Either connection came back (the pass waits for both): look for jobs Redis lost.
    for (const client of [eventsClient, producer]) {
      let wasReady = client.status === "ready";
      client.on("ready", () => {
        if (wasReady) this.reconcile();
        wasReady = true;
      });
    }
  }

  /**
   * Opens the stream for `queue` (whose connection is `producer`) at its
   * current end: every event of a job added after this resolves is seen.
   */
  static async open(connection: RedisConnection, queue: Queue, producer: Redis, prefix: string, reconcileInterval: number): Promise<ResultRouter> {
    const eventsKey = `${prefix}:${queue.name}:events`;
    const lastEventId = await lastStreamId(producer, eventsKey);
    const client = createClient(connection, false);
    const events = tracked(new QueueEvents(queue.name, { connection: client, prefix, lastEventId, autorun: true }), lastEventId);
    const router = new ResultRouter(events, client, queue, producer, eventsKey, reconcileInterval);
    try {
      await connected(client, "the result stream");
      await events.waitUntilReady();
    } catch (error) {
      await router.close();
      throw error;
    }
    return router;
  }

  listen(jobId: string, listener: JobListener): void {
    this.#listeners.set(jobId, listener);
  }

  /** The job is in Redis (its add() resolved). */
  added(jobId: string): void {
    if (this.#listeners.has(jobId)) this.#inRedis.add(jobId);
  }

  forget(jobId: string): void {
    this.#listeners.delete(jobId);
    this.#inRedis.delete(jobId);
  }

  #take(jobId: string): JobListener | undefined {
    const listener = this.#listeners.get(jobId);
    this.forget(jobId);
    return listener;
  }

  /** Stops reading events and closes the connection (never hangs on Redis). */
  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweep);
    return closeAll([() => this.#events.close()], [this.#eventsClient]);
  }

  /**
   * Rejects with JobLostError every pending job Redis no longer has. Runs
   * after each reconnect and every `reconcileInterval` (one pass at a time;
   * a pass asked for meanwhile runs after it), and again shortly while Redis
   * does not answer.
   */
  reconcile(): void {
    if (this.#closed) return;
    if (this.#reconciling) {
      this.#reconcileAgain = true;
      return;
    }
    this.#reconciling = true;
    void this.#reconcileOnce().then(
      () => {
        this.#reconciling = false;
        if (this.#reconcileAgain) {
          this.#reconcileAgain = false;
          this.reconcile();
        }
      },
      () => {
        this.#reconciling = false;
        this.#reconcileAgain = false;
        if (!this.#closed) setTimeout(() => this.reconcile(), RECONCILE_RETRY_MS).unref();
      },
    );
  }

  async #reconcileOnce(): Promise<void> {
    if (this.#producer.status !== "ready" || this.#eventsClient.status !== "ready") throw new Error("Redis is still coming back");
    const pending = [...this.#inRedis];
    // States first, then the stream's end: a job finished (and removed)
    // before its state was read has its event at or before that end, so
    // once the reader is past it, a job still pending there was lost, not
    // finished. (The other order would call a job finishing in between lost.)
    const states = await Promise.all(pending.map((jobId) => this.#queue.getJobState(jobId)));
    const end = await lastStreamId(this.#producer, this.#eventsKey);
    await this.#readPast(end);
    pending.forEach((jobId, i) => {
      if (states[i] !== "unknown") return;
      const listener = this.#take(jobId);
      if (!listener) return; // its result came in the meantime
      listener.settle(false, new JobLostError(`Redis no longer has the job ${jobId} (it restarted without persistence, or lost data): the task may or may not have run`, jobId));
    });
  }

  /** Resolves once the reader has handed out the stream entry `id` (or a later one). */
  #readPast(id: string): Promise<void> {
    if (compareIds(this.#events.lastId, id) >= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (compareIds(this.#events.lastId, id) >= 0) {
          this.#events.onProgress = undefined;
          clearInterval(closedCheck);
          resolve();
        }
      };
      // (Closing ends the wait: the stream will not move on.)
      const closedCheck = setInterval(() => {
        if (this.#closed) {
          clearInterval(closedCheck);
          reject(new Error("closed"));
        }
      }, RECONCILE_RETRY_MS);
      closedCheck.unref();
      this.#events.onProgress = check;
    });
  }

  #completed(jobId: string, returnvalue: unknown): void {
    const listener = this.#take(jobId);
    if (!listener) return; // another client's job, or a late duplicate of a settled one
    let result: JobResult;
    try {
      result = (typeof returnvalue === "string" ? JSON.parse(returnvalue) : returnvalue) as JobResult;
      if (result.ok) listener.settle(true, decodePayload(result.p));
      else listener.settle(false, deserializeError(decodePayload(result.e) as never));
    } catch (error) {
      listener.settle(false, new TypeError(`The result of job ${jobId} could not be read: ${(error as Error).message}`, { cause: error }));
    }
  }

  #failed(jobId: string, failedReason: string): void {
    const listener = this.#take(jobId);
    if (!listener) return;
    // Task errors complete their job with the error inside; a failed job is one BullMQ gave up on (its worker died too often).
    listener.settle(false, new WorkerDiedError(`The job ${jobId} was lost: ${failedReason}`, "lost", -1, { cause: new Error(failedReason) }));
  }
}

/** The id of the stream's last entry, "0-0" when it is empty or missing. */
async function lastStreamId(client: Redis, key: string): Promise<string> {
  const last = await client.xrevrange(key, "+", "-", "COUNT", 1);
  return last[0]?.[0] ?? "0-0";
}

/** Orders two stream ids ("<ms>-<seq>"). */
function compareIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split("-").map(BigInt) as [bigint, bigint];
  const [bMs, bSeq] = b.split("-").map(BigInt) as [bigint, bigint];
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  return aSeq === bSeq ? 0 : aSeq < bSeq ? -1 : 1;
}
