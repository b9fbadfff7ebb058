import {
  callTask,
  checkOptionNames,
  checkWaitOptions,
  claimBlock,
  compileSource,
  explainTaskError,
  decode,
  describe,
  deadlineOf,
  encode,
  KIND,
  lockMutex,
  resolveTask,
  SHAREABLE,
  sleepAsync,
  sleepSync,
  toTaskSpec,
  toWaitOptions,
  unlockMutex,
  ValueError,
  type Block,
  type Shareable,
  type SleepResult,
  type TaskLike,
  type TaskSpec,
  type WaitOptions,
} from "@multiproc/core/internal";
import { breakBarrier, resetBarrier, waitProtocol, type Step } from "./barrier-protocol.js";
import { ACTION_LEN, actionAt, BROKEN, CHECK_MS, COUNT, FILLING, HEADER_WORDS, MAX_SLOTS, MUTEX, PARTIES, SEQ, STATE, TIMEOUT_BYTE } from "./layout.js";

/** Options of `new Barrier(parties, options)`. */
export interface BarrierOptions {
  /** Runs once per generation, on the thread that arrives last, before the others are released. */
  action?: TaskLike<() => unknown> | undefined;
  /** Default timeout of `wait()` in milliseconds. */
  timeout?: number | undefined;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** How a driver resumes the protocol after performing a step. */
type Resume = { ok: true; value: SleepResult | undefined } | { ok: false; thrown: unknown };

/**
 * A rendezvous for a fixed number of threads, as Python's
 * `multiprocessing.Barrier`: each `wait()` blocks until `parties` threads
 * have called it, then all go on, each with a distinct index 0..parties-1.
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3, { action: () => console.log("all here") });
 * const index = await barrier.wait();
 * ```
 */
export class Barrier implements Shareable {
  readonly #block: Block;
  readonly #words: Int32Array;
  readonly #slots: Int32Array;
  readonly #timeout: number;
  readonly #spec: TaskSpec | undefined;
  /** The action as a function, once known in this thread (compiled from its source in every thread, the creating one too). */
  #action: AnyFunction | undefined;
  #loading: Promise<AnyFunction> | undefined;

  constructor(parties: number, options: BarrierOptions = {}) {
    if (typeof parties !== "number") throw new TypeError(`Expected \`parties\` to be an integer, got ${describe(parties)}`);
    if (!Number.isInteger(parties) || parties < 1 || parties > 2 ** 31 - 1) {
      throw new ValueError(`Expected \`parties\` to be a positive integer, got ${parties}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected Barrier options to be an object like { action, timeout }, got ${describe(options)}`);
    }
    checkOptionNames(options, "Barrier options", ["action", "timeout"]);
    deadlineOf(options.timeout);
    const spec = options.action === undefined ? undefined : toTaskSpec(options.action, "action");
    const specBytes = spec ? encode(spec) : new Uint8Array(0);
    const { block, revived } = claimBlock(this, KIND.Barrier, actionAt(parties) + specBytes.byteLength);
    this.#block = block;
    this.#words = block.int32(0, HEADER_WORDS);
    const timeoutCell = new Float64Array(block.arena.buffer, block.payloadOffset + TIMEOUT_BYTE, 1);
    const slotCount = Math.min(revived ? this.#words[PARTIES]! : parties, MAX_SLOTS);
    this.#slots = block.int32(HEADER_WORDS, slotCount);
    if (revived) {
      const length = this.#words[ACTION_LEN]!;
      this.#spec = length > 0 ? (decode(block.bytes(actionAt(this.#words[PARTIES]!), length)) as TaskSpec) : undefined;
      this.#timeout = timeoutCell[0]!;
      if (this.#spec?.by === "source") this.#action = compileSource(this.#spec.source);
      // A module action starts loading now, so that it is likely ready when this thread arrives last.
      else if (this.#spec) this.#load().catch(() => {});
    } else {
      this.#words[PARTIES] = parties;
      this.#words[ACTION_LEN] = specBytes.byteLength;
      block.bytes(actionAt(parties), specBytes.byteLength).set(specBytes);
      timeoutCell[0] = options.timeout ?? Infinity;
      this.#spec = spec;
      this.#timeout = options.timeout ?? Infinity;
      // A function runs from its source here too, as in every other thread, so an
      // action that needs its closure fails the same way whichever thread arrives last.
      if (spec?.by === "source") this.#action = compileSource(spec.source);
    }
  }

  /** How many threads must call `wait()` to pass the barrier. */
  get parties(): number {
    return Atomics.load(this.#words, PARTIES);
  }

  /** Threads waiting in the current generation. */
  get nWaiting(): number {
    return Atomics.load(this.#words, STATE) === FILLING ? Atomics.load(this.#words, COUNT) : 0;
  }

  /** Whether the barrier is broken (aborted, reset while threads waited, a wait timed out, or a party died). */
  get broken(): boolean {
    return Atomics.load(this.#words, STATE) === BROKEN;
  }

  /**
   * Waits until `parties` threads have called wait(); resolves with this
   * thread's index. Rejects with BrokenBarrierError if the barrier is or
   * becomes broken (abort, reset, or any waiter's timeout, which breaks it
   * for all); with the action's error on the thread that ran it; and with
   * `signal.reason` on abort, which breaks the barrier for the others.
   */
  async wait(options?: WaitOptions | number): Promise<number> {
    const { deadline, signal } = this.#options(options);
    const protocol = waitProtocol(this.#words, this.#slots, deadline);
    let resume: Resume = { ok: true, value: undefined };
    for (;;) {
      const step: IteratorResult<Step, number> = resume.ok ? protocol.next(resume.value) : protocol.throw(resume.thrown);
      if (step.done) return step.value;
      try {
        resume = { ok: true, value: await this.#performAsync(step.value, signal) };
      } catch (thrown) {
        resume = { ok: false, thrown };
      }
    }
  }

  /** `wait()` that blocks this thread. An action that returns a Promise needs `wait()`. */
  waitSync(options?: WaitOptions | number): number {
    const { deadline } = this.#options(options);
    const protocol = waitProtocol(this.#words, this.#slots, deadline);
    let resume: Resume = { ok: true, value: undefined };
    for (;;) {
      const step: IteratorResult<Step, number> = resume.ok ? protocol.next(resume.value) : protocol.throw(resume.thrown);
      if (step.done) return step.value;
      try {
        resume = { ok: true, value: this.#performSync(step.value) };
      } catch (thrown) {
        resume = { ok: false, thrown };
      }
    }
  }

  /** Puts the barrier back to its initial state; threads waiting now get BrokenBarrierError. */
  reset(): void {
    lockMutex(this.#words, MUTEX);
    try {
      resetBarrier(this.#words);
    } finally {
      unlockMutex(this.#words, MUTEX);
    }
  }

  /** Breaks the barrier: waiting and future wait() calls get BrokenBarrierError until reset(). */
  abort(): void {
    lockMutex(this.#words, MUTEX);
    try {
      breakBarrier(this.#words);
    } finally {
      unlockMutex(this.#words, MUTEX);
    }
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<Barrier at 0x1b00 waiters=1/3>` or `broken`, as Python's repr; the address is the same in every thread. */
  toString(): string {
    const at = `0x${this.#block.offset.toString(16)}`;
    return this.broken ? `<Barrier at ${at} broken>` : `<Barrier at ${at} waiters=${this.nWaiting}/${this.parties}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  #options(options: WaitOptions | number | undefined): { deadline: number; signal: AbortSignal | undefined } {
    if (typeof options !== "number") checkWaitOptions(options); // its type and its names; the default timeout comes next
    const given = toWaitOptions(options);
    return checkWaitOptions({ timeout: given?.timeout ?? this.#timeout, signal: given?.signal });
  }

  async #performAsync(step: Step, signal: AbortSignal | undefined): Promise<SleepResult | undefined> {
    if (step.kind === "sleep") {
      const result = await sleepAsync(this.#words, SEQ, step.seq, step.deadline, signal, CHECK_MS);
      signal?.throwIfAborted();
      return result;
    }
    if (!this.#spec) return undefined;
    const action = this.#action ?? (await this.#load());
    await callTask(this.#spec, action, []);
    return undefined;
  }

  #performSync(step: Step): SleepResult | undefined {
    if (step.kind === "sleep") return sleepSync(this.#words, SEQ, step.seq, step.deadline, CHECK_MS);
    if (!this.#spec) return undefined;
    if (!this.#action) {
      throw new Error(
        `The Barrier action (${this.#spec.by === "ref" ? this.#spec.url : "by value"}) has not finished loading in this thread, ` +
          "so waitSync() cannot run it: use wait(), or import the action's module in this thread first.",
      );
    }
    let result: unknown;
    try {
      result = this.#action();
    } catch (error) {
      throw explainTaskError(this.#spec, error);
    }
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function") {
      throw new TypeError("The Barrier action returned a Promise, which waitSync() cannot wait for: use wait()");
    }
    return undefined;
  }

  #load(): Promise<AnyFunction> {
    this.#loading ??= resolveTask(this.#spec!).then((fn) => (this.#action = fn));
    return this.#loading;
  }
}

