import { WAITABLE, waitAsync, type WaitableHooks, type WaitOptions } from "@multiproc/core/internal";
import { STATE_EXITED, STATUS_STATE } from "./protocol.js";

/**
 * A Process's `sentinel`, as Python's: a waitable that is ready once the
 * process has ended. Pass it to `wait()` of @multiproc/pipe (or the
 * umbrella's `wait`), alongside Connections, to wait for whichever comes first.
 *
 * @example
 * ```ts
 * const ready = await wait([conn, p.sentinel]);
 * if (ready.includes(p.sentinel)) console.log(`${p.name} ended`);
 * ```
 */
export class Sentinel {
  readonly #name: string;
  readonly #status: Int32Array;
  readonly #hooks: WaitableHooks;

  /** @internal Process makes it; STATUS_STATE of `status` turns STATE_EXITED (and is notified) at the end. */
  constructor(name: string, status: Int32Array) {
    this.#name = name;
    this.#status = status;
    const ready = () => Atomics.load(status, STATUS_STATE) === STATE_EXITED;
    const attempt = () => (ready() ? true : Atomics.load(status, STATUS_STATE));
    this.#hooks = { ready, wait: (options: WaitOptions) => waitAsync(status, STATUS_STATE, attempt, options) };
  }

  /** For `wait()`: ready once the process has ended. */
  [WAITABLE](): WaitableHooks {
    return this.#hooks;
  }

  /** `<Sentinel of Process-1>`. */
  toString(): string {
    return `<Sentinel of ${this.#name} ${Atomics.load(this.#status, STATUS_STATE) === STATE_EXITED ? "ready" : "waiting"}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
