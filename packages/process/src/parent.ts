import {
  aliveWord,
  checkWaitOptions,
  isTidAlive,
  parentProcessInfo,
  parentThread,
  remaining,
  sleepAsync,
  sleepSync,
  type ThreadRef,
  type WaitOptions,
} from "@multiproc/core/internal";

/**
 * How often a wait for the parent looks again: the parent's own record is
 * notified when it ends, but an ancestor's end (which ends it too) is not.
 */
const CHECK_MS = 100;

/**
 * The process that started this one, as Python's `parent_process()` gives
 * it: its name and pid, whether it still runs, and a join.
 *
 * Worker threads end with the thread that started them, so a child seldom
 * outlives its parent; `isAlive()` and a `join(timeout)` tell a child whether
 * its parent is still there (from any depth: a grandchild asks about its own parent).
 */
export class ParentProcess {
  /** The parent's name ("MainProcess" for the main thread). */
  readonly name: string;
  /** The parent's pid: its worker threadId (0 for the main thread). */
  readonly pid: number;
  readonly #thread: ThreadRef;

  /** @internal Made by `parentProcess()`. */
  constructor(name: string, pid: number, thread: ThreadRef) {
    if (typeof name !== "string" || typeof pid !== "number" || thread === undefined) {
      throw new TypeError("A ParentProcess is made by parentProcess(); it cannot be constructed directly");
    }
    this.name = name;
    this.pid = pid;
    this.#thread = thread;
  }

  /** Whether the parent thread is still running. */
  isAlive(): boolean {
    return isTidAlive(this.#thread.arena, this.#thread.tid);
  }

  /** Resolves when the parent has ended or the timeout (ms, or `{ timeout, signal }`) has passed. */
  async join(options?: WaitOptions | number): Promise<void> {
    const { deadline, signal } = checkWaitOptions(options);
    const { cell, index, expected } = this.#word();
    while (this.isAlive() && remaining(deadline) > 0) {
      await sleepAsync(cell, index, expected, deadline, signal, CHECK_MS);
      signal?.throwIfAborted();
    }
  }

  /** `join()` that blocks this thread. */
  joinSync(options?: WaitOptions | number): void {
    const { deadline } = checkWaitOptions(options);
    const { cell, index, expected } = this.#word();
    while (this.isAlive() && remaining(deadline) > 0) sleepSync(cell, index, expected, deadline, CHECK_MS);
  }

  /** The parent's liveness word while it says "alive" (a private word when the table has none: then it only waits out slices). */
  #word(): { cell: Int32Array; index: number; expected: number } {
    const word = aliveWord(this.#thread);
    return word ? { ...word, expected: Atomics.load(word.cell, word.index) } : { cell: new Int32Array(new SharedArrayBuffer(4)), index: 0, expected: 0 };
  }

  /** `<ParentProcess name='MainProcess' parent=None unknown>`, as Python's repr. */
  toString(): string {
    return `<ParentProcess name='${this.name}' pid=${this.pid} ${this.isAlive() ? "started" : "stopped"}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * The thread that started this one, or null on the main thread (and in threads multiproc did not start).
 *
 * @example
 * ```ts
 * // In a child: stop working once the parent is gone.
 * while (parentProcess()?.isAlive()) doSomeWork();
 * ```
 */
export function parentProcess(): ParentProcess | null {
  const info = parentProcessInfo();
  const thread = parentThread();
  return info && thread ? new ParentProcess(info.name, info.pid, thread) : null;
}
