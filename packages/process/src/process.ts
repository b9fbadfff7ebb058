import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort, type ResourceLimits } from "node:worker_threads";
import {
  checkWaitOptions,
  currentProcessInfo,
  deadlineOf,
  describe,
  deserializeError,
  locateUnserializable,
  parentProcessInfo,
  remaining,
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
} from "@multiproc/core";
import { STATE_EXITED, STATE_RUNNING, STATUS_STATE, type ProcessWorkerData, type TargetFailed } from "./protocol.js";

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
}

const EXIT_TERMINATED = -15;
const EXIT_KILLED = -9;

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

  constructor(options: ProcessOptions<T>) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected Process options to be an object like { target, args }, got ${describe(options)}`);
    }
    toTaskSpec(options.target, "target");
    if (options.args !== undefined && !Array.isArray(options.args)) {
      throw new TypeError(`Expected \`args\` to be an array, got ${describe(options.args)}`);
    }
    if (options.name !== undefined && typeof options.name !== "string") {
      throw new TypeError(`Expected \`name\` to be a string, got ${describe(options.name)}`);
    }
    this.#options = options;
    this.#daemon = Boolean(options.daemon);
    const parent = currentProcessInfo().name;
    created++;
    this.name = options.name ?? (parent === "MainProcess" ? `Process-${created}` : `${parent}:${created}`);
  }

  get daemon(): boolean {
    return this.#daemon;
  }

  set daemon(value: boolean) {
    if (this.#worker) throw new ValueError("Cannot change `daemon` of a process that has started");
    this.#daemon = Boolean(value);
  }

  /** The worker's threadId once started. */
  get pid(): number | undefined {
    return this.#pid;
  }

  /** null while running (and before start). */
  get exitCode(): number | null {
    this.#pollExit();
    return this.#exitCode;
  }

  /** What the target threw (or how the worker died), rebuilt in this thread. */
  get error(): Error | undefined {
    this.#pollExit();
    return this.#error;
  }

  /** Starts the target on a new worker thread. Throws ValueError if called twice. */
  start(): void {
    if (this.#worker || this.#exited) throw new ValueError(`Cannot start ${this.name} twice`);
    const options = this.#options;
    const target = toTaskSpec(options.target, "target");
    const args = toMessage(options.args ?? [], "args");
    const status = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const preload = (options.preload ?? []).map((p) => (p instanceof URL ? p.href : p));
    const child = prepareChildThread(this.name, preload);
    const data: ProcessWorkerData = {
      kind: "multiproc.process",
      thread: child.data,
      target,
      args,
      status,
      port: port2,
    };
    let worker: Worker;
    try {
      worker = new Worker(new URL("./worker.js", import.meta.url), {
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

  /** Resolves when the process has ended, or when `timeout` ms have passed (it does not reject). */
  async join(timeout?: number): Promise<void> {
    const deadline = deadlineOf(timeout);
    const exited = this.#exited;
    if (!exited) throw new ValueError(`Cannot join ${this.name}: it has not been started`);
    if (deadline === Infinity) return exited;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining(deadline))))]);
    clearTimeout(timer);
  }

  /**
   * Blocks this thread until the process has ended or `timeout` ms have
   * passed. It sees every end the worker itself goes through (return, throw,
   * `process.exit`) and this side's `terminate()`/`kill()`; a worker killed
   * by running out of memory is only seen by the async `join()`.
   */
  joinSync(timeout?: number): void {
    const { deadline } = checkWaitOptions({ timeout });
    const status = this.#status;
    if (!status) throw new ValueError(`Cannot join ${this.name}: it has not been started`);
    while (this.#exitCode === null && this.#stopping === undefined && Atomics.load(status, STATUS_STATE) === STATE_RUNNING) {
      const left = remaining(deadline);
      if (left === 0) return;
      Atomics.wait(status, STATUS_STATE, STATE_RUNNING, left);
    }
    this.#pollExit();
  }

  isAlive(): boolean {
    return this.#worker !== undefined && this.exitCode === null;
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

/** The calling thread as a multiproc process: "MainProcess" (pid 0) on the main thread. */
export function currentProcess(): ProcessInfo {
  return currentProcessInfo();
}

/** The thread that started this one, or null on the main thread. */
export function parentProcess(): ProcessInfo | null {
  return parentProcessInfo();
}

/** Processes started from this thread that have not ended yet. */
export function activeChildren(): Process[] {
  return [...children].filter((p) => p.isAlive()) as Process[];
}
