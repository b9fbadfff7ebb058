import { Worker, type ResourceLimits } from "node:worker_threads";
import {
  childThreadEnded,
  deserializeError,
  discardEncoded,
  checkNotImporting,
  checkWorkerFile,
  prepareChildThread,
  terminateChildThread,
  toMessage,
  toTaskSpec,
  ValueError,
  type ChildThread,
  type SerializedError,
  type TaskSpec,
} from "@multiproc/core/internal";
import { Queue } from "@multiproc/queue";
import { getUnreferenced, NOTHING, putAllLater, readBytesWith, tryGetNowait, wakeGetters, watchFor } from "@multiproc/queue/internal";
import { BrokenPoolError, CancelledError, WorkerDiedError, type WorkerDeath } from "./errors.js";
import { encodeSpec, readResult, setTaskId, taskFnId, taskId, taskPayload, type Result } from "./messages.js";
import { FAILED, INIT_FAILED, READY, STARTED, type PoolWorkerData } from "./protocol.js";

/** Each worker runs this file of the package build (dist/worker.js beside dist/index.js). */
const WORKER_FILE = new URL("./worker.js", import.meta.url);

/**
 * What Pool and ProcessPoolExecutor share: the workers, one FIFO of tasks,
 * dispatch, results, and what happens when a worker dies.
 *
 * Dispatch: each worker has its own task queue holding at most `depth` tasks
 * (the one it runs and the next ones, so it never waits for this thread
 * between two tasks; a deeper queue lets this thread hand over tasks in
 * batches); the rest wait here in one FIFO. How deep a worker's queue goes
 * follows the measured task length: about QUEUED_WORK_US of work ahead of
 * it, so tiny tasks go in batches of up to `depth`, while tasks of a
 * millisecond or more go one at a time, to whichever worker is idle: then
 * tasks start in submission order and a long task never waits behind
 * another while a worker is free (Python's Pool, where idle workers pull
 * from one queue). A worker that goes idle while another holds a queued
 * task takes that task over (the queues are multi-consumer, so the take is
 * exactly-once).
 *
 * Crash accounting: a worker writes the id of each task into its status word
 * before it runs it. When a worker exits, the results it sent are read
 * first; then of the tasks it held, the started one failed (the worker died
 * in it) and the others never ran and go back to the front of the FIFO.
 */

/** One unit of work: a call, or a chunk of map items. Encoded at submit. */
export interface Job {
  /** The task message (messages.ts), args included: encoded once, so an unsendable value throws at submit. */
  readonly message: Uint8Array;
  readonly signal: AbortSignal | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Called when the job goes to a worker (a Future is "running" from then on). */
  readonly onDispatch: (() => void) | undefined;
}

interface Pending {
  readonly id: number;
  readonly job: Job;
  slot: Slot | undefined;
  /** performance.now() when it was handed to `slot`. */
  givenAt: number;
  /** Its job's onDispatch was called: given to a worker, or next in line within `runningAhead` (then it cannot be cancelled). */
  committed: boolean;
  onAbort: (() => void) | undefined;
}

interface Slot {
  readonly worker: Worker;
  readonly child: ChildThread;
  readonly tasks: Queue<Uint8Array>;
  readonly status: Int32Array;
  /** Ids given to this worker and not yet answered, oldest first. */
  readonly held: number[];
  /** Messages given in this dispatch round, put in one go by #flush (one wake-up for the worker). */
  readonly outbox: Uint8Array[];
  /** The worker sleeps and its new tasks need a wake-up, which #wakeWorkers gives. */
  asleep: number;
  /** Set when this side stops the worker: how the task it runs should fail. */
  stopError: unknown;
  uncaught: Error | undefined;
  exited: Promise<void>;
}

export interface EngineOptions {
  size: number;
  initializer: TaskSpec | undefined;
  initargs: unknown[];
  maxTasks: number;
  /** Executor semantics: a worker dying abruptly breaks the whole pool (Python's BrokenProcessPool). */
  breakOnDeath: boolean;
  /** For error messages and thread names ("Pool", "ProcessPoolExecutor"). */
  label: string;
  resourceLimits: ResourceLimits | undefined;
  /** Modules each worker imports first (a TypeScript loader, say). */
  preload: string[];
  /**
   * Tasks a worker's queue holds. The executor keeps 2, as Python's (a
   * future handed to a worker is "running" and cannot be cancelled); the
   * Pool, where nothing observes that, goes deeper for throughput.
   */
  depth: number;
  /**
   * Tasks per worker that count as started (their onDispatch is called) even
   * while they wait here for a free worker: the executor's 2, as Python's
   * call queue, whose futures are "running" and cannot be cancelled; 0 for the Pool.
   */
  runningAhead: number;
}

function tryGet<T>(queue: Queue<T>): T | undefined {
  const item = tryGetNowait(queue);
  return item === NOTHING ? undefined : item;
}

/** A new BrokenPoolError like `error`: same message and cause. */
function copyBroken(error: BrokenPoolError): BrokenPoolError {
  return new BrokenPoolError(error.message, { cause: error.cause });
}

/** Drops `id` from the tasks a worker holds. */
function release(slot: Slot, id: number): void {
  const at = slot.held.indexOf(id);
  if (at >= 0) slot.held.splice(at, 1);
}

/**
 * Before the pump sleeps, it watches the results queue this long: a tiny
 * task's result comes back within tens of microseconds, and an
 * Atomics.waitAsync wake-up through the event loop costs about as much
 * again. Reads only; this thread would be idle meanwhile.
 */
const RESULT_WATCH_MS = 0.05;

/** The reason the pump's sleep is aborted with once the pool is done (a constant: no DOMException). */
const PUMP_IDLE = Symbol("pool done");

/**
 * Work queued at a worker, in microseconds of measured task time. Tasks
 * shorter than this go in batches (a hand-off costs tens of microseconds,
 * more when a thread sleeps); longer ones one by one. Kept small, as it is
 * also how far out of submission order tasks may start, and the imbalance a
 * worker may be left with.
 */
const QUEUED_WORK_US = 1000;

let pools = 0;

export class Engine {
  readonly #options: EngineOptions;
  readonly #name: string;
  /** Results from every worker, each read where it lies in the queue (readResult). */
  readonly #results = readBytesWith(new Queue<Uint8Array>(), readResult);
  readonly #slots = new Set<Slot>();
  readonly #pending = new Map<number, Pending>();
  #fifo: Pending[] = [];
  #fifoHead = 0;
  #nextId = 1;
  #state: "running" | "closed" | "terminated" = "running";
  /** Open feeds (see openFeed): while any is, a closed pool may still get tasks. */
  readonly #feeds = new Set<{ drain: () => Promise<void> }>();
  #broken: BrokenPoolError | undefined;
  #pumping = false;
  #wakePump: AbortController | undefined;
  /** The pump waits for a result: only then does a done pool need to wake it. */
  #pumpSleeping = false;
  /** Keeps the process alive while tasks are outstanding: referenced then, unreferenced when none are. */
  #alive: ReturnType<typeof setInterval> | undefined;
  #idle: (() => void)[] = [];
  #started = 0;
  readonly #fnIds = new Map<string, number>();
  readonly #fnOf = new WeakMap<object, { fnId: number; specBytes: Uint8Array }>();
  readonly #initargs: unknown[];
  /** Run time (µs) of each function's tasks, a moving average that rises fast and falls slowly; absent before its first result. */
  readonly #micros = new Map<number, number>();

  constructor(options: EngineOptions) {
    checkNotImporting(`a ${options.label}`);
    checkWorkerFile(WORKER_FILE, "@multiproc/pool");
    this.#options = options;
    this.#name = `${options.label}-${++pools}`;
    this.#initargs = options.initargs;
    toMessage(options.initargs, "initargs"); // throws now for an unsendable initarg
    for (let i = 0; i < options.size; i++) this.#spawn();
  }

  get size(): number {
    return this.#options.size;
  }

  /** Tasks not finished and not running. */
  get queued(): number {
    return this.#pending.size - this.running;
  }

  /** Tasks a worker has started and not finished. */
  get running(): number {
    let running = 0;
    for (const slot of this.#slots) if (slot.held.includes(Atomics.load(slot.status, STARTED))) running++;
    return running;
  }

  get state(): "running" | "closed" | "terminated" {
    return this.#state;
  }

  get broken(): BrokenPoolError | undefined {
    return this.#broken;
  }

  /** The spec of a task-like value and its id in this pool (one per distinct function). */
  functionOf(fn: unknown, what: string): { fnId: number; specBytes: Uint8Array } {
    // Cached by identity: a function's source cannot change, nor can a frozen task(url, name).
    const keyed = (typeof fn === "function" || (typeof fn === "object" && fn !== null && Object.isFrozen(fn))) && (fn as object);
    const cached = keyed ? this.#fnOf.get(keyed) : undefined;
    if (cached) return cached;
    const spec = toTaskSpec(fn, what);
    const key = spec.by === "ref" ? `ref ${spec.url}#${spec.exportName}` : `src ${spec.source}`;
    let fnId = this.#fnIds.get(key);
    if (fnId === undefined) this.#fnIds.set(key, (fnId = this.#fnIds.size + 1));
    const entry = { fnId, specBytes: encodeSpec(spec) };
    if (keyed) this.#fnOf.set(keyed, entry);
    return entry;
  }

  /** Throws if no new work is accepted; `fed`: the work is of an open feed, which a closed pool still takes (see openFeed). */
  checkOpen(fed = false): void {
    if (this.#broken) throw copyBroken(this.#broken);
    if (this.#state === "closed" && fed) return;
    if (this.#state !== "running") throw new ValueError(`The ${this.#options.label} is ${this.#state === "closed" ? "closed" : "terminated"}: it takes no new tasks`);
  }

  /**
   * A lazy input accepted now (an imap): its tasks count as submitted, as
   * Python's imap feeds them from the call on, so it may go on submitting
   * after `close()` (with `fed`), and `join()` first has `drain` read it to
   * its end. Closed once its input ends or its reader stops.
   */
  openFeed(drain: () => Promise<void>): { close(): void } {
    this.checkOpen();
    const feed = { drain };
    this.#feeds.add(feed);
    return {
      close: () => {
        if (!this.#feeds.delete(feed)) return;
        this.#stopPumpIfDone();
        this.#retireIfDone();
      },
    };
  }

  submit(job: Job, fed = false): void {
    this.checkOpen(fed);
    // Workers full: take in the results already there first, which frees room
    // at the workers now (a long run of submits would otherwise leave them idle).
    if (this.#fifoHead < this.#fifo.length) this.#drainResults();
    const refused = this.#broken ? copyBroken(this.#broken) : job.signal?.aborted ? job.signal.reason : undefined;
    if (refused !== undefined) {
      discardEncoded(taskPayload(job.message));
      job.reject(refused);
      return;
    }
    const pending: Pending = { id: this.#nextId++, job, slot: undefined, givenAt: 0, committed: false, onAbort: undefined };
    if (job.signal) {
      pending.onAbort = () => this.#abort(pending);
      job.signal.addEventListener("abort", pending.onAbort, { once: true });
    }
    this.#pending.set(pending.id, pending);
    if (this.#pending.size === 1) (this.#alive ??= setInterval(() => {}, 2 ** 30)).ref();
    this.#fifo.push(pending);
    this.#assign();
    this.#startPump();
    this.#wakeWorkers(); // last: a worker woken on this thread's core may take it over at once
  }

  /** Removes a job that no worker has yet (Future.cancel()); false if it was dispatched or is done. */
  cancelQueued(job: Job): boolean {
    for (let i = this.#fifoHead; i < this.#fifo.length; i++) {
      const pending = this.#fifo[i]!;
      if (pending.job !== job) continue;
      if (pending.committed) return false; // "running" already, as in Python's call queue
      this.#fifo.splice(i, 1);
      this.#forget(pending);
      discardEncoded(taskPayload(job.message));
      return true;
    }
    return false;
  }

  close(): void {
    if (this.#state === "running") this.#state = "closed";
    this.#stopPumpIfDone();
    this.#retireIfDone();
  }

  /** Resolves once every task has settled and every worker has exited (after close or terminate). */
  async join(): Promise<void> {
    if (this.#state === "running") throw new ValueError(`Cannot join a ${this.#options.label} that is still running: call close() or terminate() first`);
    // The imaps not read to their end yet are read now (an endless one never ends, as in Python).
    while (this.#feeds.size > 0) await Promise.all([...this.#feeds].map((feed) => feed.drain()));
    if (this.#pending.size > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.#retireIfDone();
    await this.#exits([...this.#slots]);
  }

  /**
   * Stops every worker now; tasks not finished fail with `errorFor()` (a new
   * error each), CancelledError by default.
   */
  async terminate(errorFor: () => unknown = () => new CancelledError(`The ${this.#options.label} was terminated before the task finished`)): Promise<void> {
    this.#state = "terminated";
    this.#failAll(errorFor);
    const slots = [...this.#slots];
    for (const slot of slots) slot.stopError ??= errorFor();
    await Promise.all(slots.map((s) => terminateChildThread(s.child, s.worker)));
    await this.#exits(slots);
  }

  /** Waits for these workers to exit; a worker is unref'd, so it is ref'd for the wait, or Node could quit first. */
  #exits(slots: Slot[]): Promise<void[]> {
    for (const slot of slots) slot.worker.ref();
    return Promise.all(slots.map((s) => s.exited));
  }

  #spawn(): void {
    const tasks = new Queue<Uint8Array>();
    const status = new Int32Array(new SharedArrayBuffer(8));
    const name = `${this.#name}-worker-${++this.#started}`;
    const child = prepareChildThread(name, this.#options.preload, `a ${this.#options.label}`);
    const data: PoolWorkerData = {
      kind: "multiproc.pool-worker",
      thread: child.data,
      queues: toMessage({ tasks, results: this.#results }, "queues"),
      status,
      initializer: this.#options.initializer,
      initargs: toMessage(this.#initargs, "initargs"),
      maxTasks: this.#options.maxTasks,
    };
    const worker = new Worker(WORKER_FILE, { workerData: data, name, ...(this.#options.resourceLimits && { resourceLimits: this.#options.resourceLimits }) });
    // An idle pool does not keep the process alive; pending tasks do (#alive).
    worker.unref();
    const slot: Slot = { worker, child, tasks, status, held: [], outbox: [], asleep: 0, stopError: undefined, uncaught: undefined, exited: undefined! };
    worker.on("error", (error) => {
      slot.uncaught ??= error;
    });
    slot.exited = new Promise((resolve) => {
      worker.on("exit", (code) => {
        childThreadEnded(child);
        this.#onExit(slot, code);
        resolve();
      });
    });
    this.#slots.add(slot);
  }

  /** Hands out queued tasks to workers with room and wakes those asleep. */
  #dispatch(): void {
    this.#assign();
    this.#wakeWorkers();
  }

  /** #dispatch without the wake-ups: the caller calls #wakeWorkers when it is done. */
  #assign(): void {
    const now = performance.now();
    while (this.#fifoHead < this.#fifo.length) {
      const slot = this.#leastBusy(now, taskFnId(this.#fifo[this.#fifoHead]!.job.message));
      if (!slot) break;
      const pending = this.#fifo[this.#fifoHead]!;
      this.#fifo[this.#fifoHead++] = undefined!;
      if (this.#fifoHead > 1024 && this.#fifoHead * 2 > this.#fifo.length) {
        this.#fifo = this.#fifo.slice(this.#fifoHead);
        this.#fifoHead = 0;
      }
      this.#give(pending, slot);
    }
    this.#flush();
    this.#steal();
    this.#commitAhead();
  }

  /** Marks the next tasks in line as started, up to `runningAhead` per worker counting those the workers hold. */
  #commitAhead(): void {
    let room = this.#options.runningAhead * this.#slots.size;
    if (room === 0) return;
    for (const slot of this.#slots) room -= slot.held.length;
    for (let i = this.#fifoHead; room > 0 && i < this.#fifo.length; i++, room--) {
      const pending = this.#fifo[i]!;
      if (pending.committed) continue;
      pending.committed = true;
      pending.job.onDispatch?.();
    }
  }

  /**
   * The worker with the fewest tasks among those that take more: one being
   * filled this round, or down to half its depth. Refilling only from half
   * hands a worker its tasks in batches, so it is woken (a system call when
   * it sleeps) once per batch, not once per task. Nothing is queued behind a
   * task that has been out longer than QUEUED_WORK_US (a long task the
   * average did not foresee, or a worker the OS does not run): it would wait
   * there while another worker may soon be free.
   */
  #leastBusy(now: number, fnId: number): Slot | undefined {
    const depth = this.#depth(fnId);
    let best: Slot | undefined;
    for (const slot of this.#slots) {
      const held = slot.held.length;
      if (slot.stopError !== undefined || held >= depth || (held > depth >> 1 && slot.outbox.length === 0)) continue;
      const oldest = held > 0 && slot.outbox.length === 0 ? this.#pending.get(slot.held[0]!) : undefined;
      if (oldest && (now - oldest.givenAt) * 1000 > QUEUED_WORK_US) continue;
      if (!best || slot.held.length < best.held.length) best = slot;
      if (best.held.length === 0) break;
    }
    return best;
  }

  /**
   * How many tasks a worker may hold when the next one runs function `fnId`:
   * one until that function's task length is known (the first ones may be
   * long), then about QUEUED_WORK_US of work.
   */
  #depth(fnId: number): number {
    const micros = this.#micros.get(fnId);
    if (micros === undefined) return 1;
    return Math.max(1, Math.min(this.#options.depth, Math.floor(QUEUED_WORK_US / Math.max(micros, 1))));
  }

  /** Folds a task's run time into the average: half the way up at once (a long task must not be batched), an eighth down. */
  #measured(fnId: number, micros: number): void {
    const average = this.#micros.get(fnId);
    this.#micros.set(fnId, average === undefined ? micros : average + (micros - average) / (micros > average ? 2 : 8));
  }

  #give(pending: Pending, slot: Slot): void {
    const { job } = pending;
    slot.held.push(pending.id);
    pending.slot = slot;
    pending.givenAt = performance.now();
    setTaskId(job.message, pending.id);
    slot.outbox.push(job.message);
    if (!pending.committed) job.onDispatch?.();
    pending.committed = true;
  }

  #flush(): void {
    for (const slot of this.#slots) {
      if (slot.outbox.length === 0) continue;
      slot.asleep += putAllLater(slot.tasks, slot.outbox);
      slot.outbox.length = 0;
    }
  }

  #wakeWorkers(): void {
    for (const slot of this.#slots) {
      if (slot.asleep === 0) continue;
      wakeGetters(slot.tasks, slot.asleep);
      slot.asleep = 0;
    }
  }

  /** An idle worker takes over a task queued behind another worker's running one. */
  #steal(): void {
    for (const idle of this.#slots) {
      if (idle.held.length > 0 || idle.stopError !== undefined) continue;
      for (const busy of this.#slots) {
        if (busy === idle || busy.held.length < 2) continue;
        const item = tryGet(busy.tasks);
        if (!item) continue; // its worker took it meanwhile
        const id = taskId(item);
        release(busy, id);
        const pending = this.#pending.get(id);
        if (pending) this.#give(pending, idle);
        break;
      }
    }
    this.#flush();
  }

  #startPump(): void {
    if (!this.#pumping) void this.#pump();
  }

  /**
   * Reads results from the first submit until the pool is done. While
   * nothing is outstanding it stays parked on the results queue, a wait that
   * does not keep the process alive (#alive does, while tasks are
   * outstanding): a task submitted to an idle pool then finds it waiting,
   * where starting a wait costs tens of microseconds on the way of that
   * task (Atomics.waitAsync and its timeout task).
   */
  async #pump(): Promise<void> {
    this.#pumping = true;
    const wake = (this.#wakePump = new AbortController()); // aborted once the pool is done
    try {
      while (!this.#done()) {
        let result = tryGet(this.#results);
        if (result === undefined && this.#pending.size > 0) {
          this.#wakeWorkers(); // before the watch: the worker needs the task, maybe this core
          if (watchFor(this.#results, RESULT_WATCH_MS)) result = tryGet(this.#results);
        }
        if (result === undefined) {
          try {
            this.#pumpSleeping = true;
            result = await getUnreferenced(this.#results, { signal: wake.signal });
          } catch (error) {
            if (wake.signal.aborted) break;
            throw error;
          } finally {
            this.#pumpSleeping = false;
          }
        }
        this.#takeResult(result);
        this.#drainResults();
        // Nothing outstanding: the callers go first, to the end of this turn
        // of the event loop. One that submits again at once finds the pump
        // awake, to watch for that result; parked, it would have cost that
        // task the wait's set-up and an event-loop wake-up.
        if (this.#pending.size === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Closed or terminated, and nothing outstanding: no result will come any more. */
  #done(): boolean {
    return this.#state !== "running" && this.#pending.size === 0 && this.#feeds.size === 0;
  }

  /** Takes every result there is, then hands out the freed room in one round. */
  #drainResults(): void {
    for (let result = tryGet(this.#results); result; result = tryGet(this.#results)) this.#takeResult(result);
    this.#dispatch();
    this.#settled();
  }

  /** Settles the task a result is for (the caller dispatches and calls #settled after). */
  #takeResult(result: Result): void {
    const { id, status, value, unreadable } = result;
    if (id === INIT_FAILED) {
      const cause = unreadable ? (value as Error) : deserializeError(value as SerializedError);
      this.#breakPool(new BrokenPoolError(`A worker's initializer failed: ${cause.message}`, { cause }));
      return;
    }
    const pending = this.#pending.get(id);
    if (!pending) return; // aborted or terminated meanwhile
    this.#measured(taskFnId(pending.job.message), result.micros);
    release(pending.slot!, id);
    this.#forget(pending);
    if (unreadable) pending.job.reject(value);
    else if (status === FAILED) pending.job.reject(deserializeError(value as SerializedError));
    else pending.job.resolve(value);
  }

  #onExit(slot: Slot, code: number): void {
    this.#slots.delete(slot);
    this.#drainResults();
    slot.tasks.close();
    if (Atomics.load(slot.status, READY) === 0 && slot.stopError === undefined) {
      // It never got to run tasks (its start-up or initializer failed): a new one would too.
      const cause = slot.uncaught ?? new Error(`the worker exited with code ${code} while starting`);
      this.#breakPool(new BrokenPoolError(`A worker of the ${this.#options.label} failed to start: ${cause.message}`, { cause }));
    }
    const started = Atomics.load(slot.status, STARTED);
    const requeue: Pending[] = [];
    let died: Pending | undefined;
    for (const id of slot.held) {
      const pending = this.#pending.get(id);
      if (!pending) continue;
      if (id === started) died = pending;
      else requeue.push(pending);
    }
    slot.held.length = 0;
    for (const pending of requeue) pending.slot = undefined;
    this.#fifo.splice(this.#fifoHead, 0, ...requeue);
    if (died) {
      const error = slot.stopError ?? this.#deathError(slot, code);
      if (this.#options.breakOnDeath && slot.stopError === undefined) {
        // As Python's BrokenProcessPool: the dying task's future fails with it too.
        this.#breakPool(new BrokenPoolError(`A worker of the ${this.#options.label} died abruptly: ${(error as Error).message}`, { cause: error }));
      } else {
        this.#forget(died);
        died.job.reject(error);
      }
    }
    if (this.#state !== "terminated" && !this.#broken && (this.#state === "running" || this.#pending.size > 0)) this.#spawn();
    this.#dispatch();
    this.#settled();
  }

  #deathError(slot: Slot, code: number): WorkerDiedError {
    const uncaught = slot.uncaught;
    let how: WorkerDeath = "exit";
    let said = `it called process.exit(${code})`;
    if ((uncaught as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY") {
      how = "out-of-memory";
      said = "it ran out of memory (resourceLimits)";
    } else if (uncaught) {
      how = "uncaught";
      said = `an error was thrown outside the task: ${uncaught.message}`;
    }
    return new WorkerDiedError(`The worker running this task died: ${said}`, how, code, uncaught ? { cause: uncaught } : undefined);
  }

  #abort(pending: Pending): void {
    if (!this.#pending.has(pending.id)) return;
    const slot = pending.slot;
    this.#forget(pending);
    pending.job.reject(pending.job.signal!.reason);
    if (!slot) {
      this.#fifo.splice(this.#fifo.indexOf(pending, this.#fifoHead), 1);
      discardEncoded(taskPayload(pending.job.message));
    } else if (!this.#takeBack(slot, pending.id)) {
      // The worker has it (running, or about to): stop that worker. Its exit
      // puts the task queued behind back in the FIFO, and a new worker starts.
      slot.stopError = pending.job.signal!.reason;
      void terminateChildThread(slot.child, slot.worker);
    }
    this.#dispatch();
    this.#settled();
  }

  /** Takes task `id` out of a worker's queue if the worker has not taken it; true if it did. */
  #takeBack(slot: Slot, id: number): boolean {
    const left: Uint8Array[] = [];
    let found: Uint8Array | undefined;
    for (let item = tryGet(slot.tasks); item; item = tryGet(slot.tasks)) {
      if (taskId(item) === id) found = item;
      else left.push(item);
    }
    for (const item of left) slot.tasks.putNowait(item); // in their order, ahead of anything new
    if (!found) return false;
    release(slot, id);
    discardEncoded(taskPayload(found));
    return true;
  }

  #breakPool(error: BrokenPoolError): void {
    if (this.#broken) return;
    this.#broken = error;
    // Each future gets its own error: a caller who annotates or chains one must not change the others.
    this.#failAll(() => copyBroken(error));
    for (const slot of this.#slots) {
      slot.stopError ??= error;
      void terminateChildThread(slot.child, slot.worker);
    }
  }

  #failAll(errorFor: () => unknown): void {
    const all = [...this.#pending.values()];
    this.#fifo = [];
    this.#fifoHead = 0;
    for (const pending of all) {
      this.#forget(pending);
      if (!pending.slot) discardEncoded(taskPayload(pending.job.message));
      pending.job.reject(errorFor());
    }
    for (const slot of this.#slots) slot.held.length = 0;
    this.#settled();
  }

  #forget(pending: Pending): void {
    this.#pending.delete(pending.id);
    if (pending.onAbort) pending.job.signal!.removeEventListener("abort", pending.onAbort);
  }

  /** After any settle: let the process exit if it may, resolve join() waiters, retire workers if closed. */
  #settled(): void {
    if (this.#pending.size > 0) return;
    this.#alive?.unref();
    this.#stopPumpIfDone();
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
    this.#retireIfDone();
  }

  /** Once the pool is done, the pump and the keep-alive timer go. */
  #stopPumpIfDone(): void {
    if (!this.#done()) return;
    clearInterval(this.#alive);
    if (this.#pumpSleeping) this.#wakePump?.abort(PUMP_IDLE);
  }

  /** Closed and nothing left: close the worker queues, so the workers end on their own. */
  #retireIfDone(): void {
    if (this.#state !== "closed" || this.#pending.size > 0 || this.#feeds.size > 0) return;
    for (const slot of this.#slots) slot.tasks.close();
  }
}
