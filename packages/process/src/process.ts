import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from "node:worker_threads";
import {
  checkWaitOptions,
  currentProcessInfo,
  describe,
  deserializeError,
  locateUnserializable,
  remaining,
  checkNotImporting,
  checkWorkerFile,
  checkOptionNames,
  prepareChildThread,
  childThreadEnded,
  terminateChildThread,
  type ChildThread,
  toMessage,
  toTaskSpec,
  ValueError,
  type ProcessInfo,
  type TaskArgs,
  type TaskLike,
  waitForPromise,
  type WaitOptions,
} from "@multiproc/core/internal";
import { Sentinel } from "./sentinel.js";
import { STATE_EXITED, STATE_RUNNING, STATUS_STATE, type ProcessWorkerData, type TargetFailed } from "./protocol.js";

/** Each process runs this file of the package build (dist/worker.js beside dist/index.js). */
const WORKER_FILE = new URL("./worker.js", import.meta.url);

/** Options of `new Process()`. */
export interface ProcessOptions<T extends TaskLike = TaskLike> {
  /** What to run: `task(url, exportName)` or a self-contained function (sent as source). */
  target: T;
  /** Arguments for the target; shareable objects may sit anywhere inside. */
  args?: TaskArgs<T> | undefined;
  /** Defaults to "Process-N" (or "<parent name>:N" inside a process). */
  name?: string | undefined;
  /** A daemon does not keep the parent alive and is terminated when the parent exits. */
  daemon?: boolean | undefined;
  /**
   * Memory limits of the worker (Node's `ResourceLimits`); past them it dies with exit code 1 and `error` says it ran out of memory.
   */
  resourceLimits?: ResourceLimits | undefined;
  /** The worker's `process.env`; a copy of the parent's by default. */
  env?: Record<string, string | undefined> | undefined;
  /** Node options of the worker; the parent's `process.execArgv` by default. */
  execArgv?: string[] | undefined;
  /**
   * Modules imported in the worker before the target, such as a file that
   * registers a TypeScript loader (see the README: TypeScript targets on Node 20).
   */
  preload?: (string | URL)[] | undefined;
  /**
   * Whether an error that ends the process is printed to stderr
   * (`Process Process-3:` and the error with its stack), as Python prints
   * a failing child's traceback. Default true; it is on `error` either way.
   */
  printErrors?: boolean | undefined;
}

const PROCESS_OPTIONS = ["target", "args", "name", "daemon", "resourceLimits", "env", "execArgv", "preload", "printErrors"] as const;

const EXIT_TERMINATED = -15;
const EXIT_KILLED = -9;
/** How Python's repr names exit codes of signals. */
const EXIT_NAMES: Record<number, string> = { [EXIT_TERMINATED]: "-SIGTERM", [EXIT_KILLED]: "-SIGKILL" };

const children = new Set<Process>();
let created = 0;

/**
 * A function running on its own worker thread, as Python's
 * `multiprocessing.Process`. Exit codes: 0 the target returned, 1 it threw
 * (see `error`), -15 `terminate()`, -9 `kill()`, n `process.exit(n)`.
 *
 * @example
 * ```ts
 * const p = new Process({ target: (n: number) => console.log(n * n), args: [7] });
 * p.start();
 * await p.join();
 * console.log(p.exitCode); // 0
 * ```
 */
export class Process<T extends TaskLike = TaskLike> {
  /** The name given in the options, or "Process-N"; also the worker thread's name. */
  readonly name: string;
  #options: ProcessOptions<T>;
  #daemon: boolean;
  #worker: Worker | undefined;
  #child: ChildThread | undefined;
  #status: Int32Array | undefined;
  #port: MessagePort | undefined;
  #exitCode: number | null = null;
  #error: Error | undefined;
  #stopping: number | undefined;
  #exited: Promise<void> | undefined;
  #pid: number | undefined;
  #sentinel: Sentinel | undefined;
  /** join() calls waiting now: while there are any, even a daemon keeps the event loop alive. */
  #joiners = 0;
  #closed = false;
  readonly #parentPid: number;

  constructor(options: ProcessOptions<T>) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected Process options to be an object like { target, args }, got ${describe(options)}`);
    }
    checkOptionNames(options, "Process options", PROCESS_OPTIONS);
    toTaskSpec(options.target, "target");
    if (options.args !== undefined && !Array.isArray(options.args)) {
      throw new TypeError(`Expected \`args\` to be an array, got ${describe(options.args)}`);
    }
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError(`Expected \`name\` to be a string, got ${describe(options.name)}`);
    }
    if (options.printErrors !== undefined && typeof options.printErrors !== "boolean") {
      throw new TypeError(`Expected \`printErrors\` to be a boolean, got ${describe(options.printErrors)}`);
    }
    this.#options = options;
    this.#daemon = Boolean(options.daemon);
    const parent = currentProcessInfo();
    this.#parentPid = parent.pid;
    created++;
    this.name = options.name ?? (parent.name === "MainProcess" ? `Process-${created}` : `${parent.name}:${created}`);
  }

  /**
   * Whether this process is a daemon: it does not keep the parent alive and
   * is terminated when the parent exits. Settable until `start()`.
   */
  get daemon(): boolean {
    return this.#daemon;
  }

  /** Sets `daemon`; ValueError once the process has started. */
  set daemon(value: boolean) {
    if (this.#worker) throw new ValueError("Cannot change `daemon` of a process that has started");
    this.#daemon = Boolean(value);
  }

  /** The worker's threadId once started. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** null while running (and before start). ValueError after close(). */
  get exitCode(): number | null {
    this.#checkNotClosed();
    this.#pollExit();
    return this.#exitCode;
  }

  /**
   * A waitable that is ready once the process has ended, for `wait()` of
   * @multiproc/pipe alongside Connections (Python's `sentinel`). ValueError
   * before `start()` and after `close()`.
   */
  get sentinel(): Sentinel {
    this.#checkNotClosed();
    if (!this.#sentinel) throw new ValueError(`${this.name} has no sentinel: it has not been started`);
    return this.#sentinel;
  }

  /** What the target threw (or how the worker died), rebuilt in this thread. */
  get error(): Error | undefined {
    this.#pollExit();
    return this.#error;
  }

  /** Starts the target on a new worker thread. Throws ValueError if called twice, or after close(). */
  start(): void {
    this.#checkNotClosed();
    if (this.#worker || this.#exited) throw new ValueError(`Cannot start ${this.name} twice`);
    checkNotImporting("a Process"); // before anything is retained
    checkWorkerFile(WORKER_FILE, "@multiproc/process");
    const options = this.#options;
    const target = toTaskSpec(options.target, "target");
    const args = toMessage(options.args ?? [], "args");
    const status = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const preload = (options.preload ?? []).map((p) => (p instanceof URL ? p.href : p));
    const child = prepareChildThread(this.name, preload, "a Process");
    const data: ProcessWorkerData = {
      kind: "multiproc.process",
      thread: child.data,
      target,
      args,
      status,
      port: port2,
      printErrors: options.printErrors ?? true,
    };
    let worker: Worker;
    try {
      worker = new Worker(WORKER_FILE, {
        workerData: data,
        transferList: [port2],
        name: this.name,
        ...(options.resourceLimits && { resourceLimits: options.resourceLimits }),
        ...(options.env && { env: options.env }),
        ...(options.execArgv && { execArgv: options.execArgv }),
      });
    } catch (error) {
      childThreadEnded(child);
      if ((error as { name?: string }).name === "DataCloneError") throw locateUnserializable(options.args, "args", error);
      throw error;
    }
    this.#worker = worker;
    this.#child = child;
    this.#pid = worker.threadId;
    this.#status = status;
    this.#sentinel = new Sentinel(this.name, status);
    this.#port = port1;
    if (this.#daemon) worker.unref();
    children.add(this);
    worker.on("error", (error) => {
      this.#error ??= error;
    });
    this.#exited = new Promise((resolve) => {
      worker.on("exit", (code) => {
        this.#finish(code);
        // Only now is the thread really gone: from here on, locks it held are seen as abandoned.
        childThreadEnded(child);
        resolve();
      });
    });
  }

  /**
   * Resolves when the process has ended, or when the timeout (ms, or
   * `{ timeout, signal }`) has passed: it does not reject for the timeout.
   * While it waits it keeps the event loop alive, for a daemon too.
   */
  async join(options?: WaitOptions | number): Promise<void> {
    this.#checkNotClosed();
    const exited = this.#exited;
    if (!exited) throw new ValueError(`Cannot join ${this.name}: it has not been started`);
    // A daemon's worker is unref'd so that it does not keep the parent alive, but an explicit wait must.
    if (this.#joiners++ === 0) this.#worker!.ref();
    try {
      await waitForPromise(exited, options);
    } finally {
      if (--this.#joiners === 0 && this.#daemon) this.#worker!.unref();
    }
  }

  /**
   * Blocks this thread until the process has ended or the timeout has
   * passed. It sees every end the worker itself goes through (return, throw,
   * `process.exit`) and this side's `terminate()`/`kill()`; a worker killed
   * by running out of memory is only seen by the async `join()`.
   */
  joinSync(options?: WaitOptions | number): void {
    this.#checkNotClosed();
    const { deadline } = checkWaitOptions(options);
    const status = this.#status;
    if (!status) throw new ValueError(`Cannot join ${this.name}: it has not been started`);
    while (this.#exitCode === null && this.#stopping === undefined && Atomics.load(status, STATUS_STATE) === STATE_RUNNING) {
      const left = remaining(deadline);
      if (left === 0) return;
      Atomics.wait(status, STATUS_STATE, STATE_RUNNING, left);
    }
    this.#pollExit();
  }

  /** Whether it has started and not ended. ValueError after close(). */
  isAlive(): boolean {
    this.#checkNotClosed();
    return this.#worker !== undefined && this.exitCode === null;
  }

  /**
   * Releases what the Process object holds (Python's `close()`); afterwards
   * `start`, `join`, `isAlive`, `terminate`, `kill`, `exitCode` and
   * `sentinel` throw ValueError. ValueError while the process runs.
   */
  close(): void {
    if (this.#closed) return;
    if (this.#worker && this.exitCode === null) throw new ValueError(`Cannot close ${this.name}: it is still running; join() or terminate() it first`);
    this.#port?.close();
    this.#closed = true;
  }

  /** `<Process name='Process-1' pid=5 parent=0 stopped exitcode=0>`, as Python's repr. */
  toString(): string {
    let status = "initial";
    let exitCode: number | null = null;
    if (this.#closed) status = "closed";
    else if (this.#worker) {
      exitCode = this.exitCode;
      status = exitCode === null ? "started" : "stopped";
    }
    const info = [`Process name='${this.name}'`];
    if (this.#pid !== undefined) info.push(`pid=${this.#pid}`);
    info.push(`parent=${this.#parentPid}`, status);
    if (exitCode !== null) info.push(`exitcode=${EXIT_NAMES[exitCode] ?? exitCode}`);
    if (this.#daemon) info.push("daemon");
    return `<${info.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Stops the worker (Python's SIGTERM); exit code -15. Resolves once it has stopped. */
  async terminate(): Promise<void> {
    return this.#stop(EXIT_TERMINATED);
  }

  /** Stops the worker (Python's SIGKILL); exit code -9. Resolves once it has stopped. */
  async kill(): Promise<void> {
    return this.#stop(EXIT_KILLED);
  }

  async #stop(code: number): Promise<void> {
    this.#checkNotClosed();
    const worker = this.#worker;
    if (!worker) throw new ValueError(`Cannot stop ${this.name}: it has not been started`);
    if (this.exitCode !== null) return;
    this.#stopping ??= code;
    await terminateChildThread(this.#child!, worker);
    await this.#exited;
  }

  /** Records the end once: the exit event, or a sync observer that got there first. */
  #finish(code: number): void {
    if (this.#exitCode !== null) return;
    const failed = this.#port && (receiveMessageOnPort(this.#port)?.message as TargetFailed | undefined);
    if (failed?.type === "failed") this.#error = deserializeError(failed.error);
    this.#port?.close();
    this.#exitCode = this.#stopping ?? code;
    children.delete(this);
    // For the sentinel: ends the worker did not announce itself (terminate, out of memory).
    const status = this.#status!;
    if (Atomics.exchange(status, STATUS_STATE, STATE_EXITED) !== STATE_EXITED) Atomics.notify(status, STATUS_STATE);
  }

  #checkNotClosed(): void {
    if (this.#closed) throw new ValueError(`${this.name} is closed: the Process object cannot be used after close()`);
  }

  /** Picks up an end the worker announced in shared memory before the exit event ran. */
  #pollExit(): void {
    if (this.#exitCode !== null || !this.#status) return;
    if (Atomics.load(this.#status, STATUS_STATE) === STATE_EXITED) this.#finish(Atomics.load(this.#status, 1));
    else if (this.#stopping !== undefined) this.#finish(this.#stopping);
  }
}

/** Number of CPUs this process may use (`os.availableParallelism()`). */
export function cpuCount(): number {
  return availableParallelism();
}

/**
 * The calling thread as a multiproc process: "MainProcess" (pid 0) on the main thread.
 *
 * @example
 * ```ts
 * console.log(`${currentProcess().name} handles ${item}`); // "Process-1 handles 3"
 * ```
 */
export function currentProcess(): ProcessInfo {
  return currentProcessInfo();
}

/** Processes started from this thread that have not ended yet. */
export function activeChildren(): Process[] {
  return [...children].filter((p) => p.isAlive()) as Process[];
}
