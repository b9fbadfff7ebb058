import { checkOptionNames, checkWaitOptions, describe, isWaitable, remaining, unbindBlock, WAITABLE, type Waitable, type WaitOptions } from "@multiproc/core/internal";
import { Queue } from "@multiproc/queue";
import { type Connection, newConnection } from "./connection.js";

/** Options of `Pipe(options)`. */
export interface PipeOptions {
  /** true (the default): both ends send and receive. false: the first end only receives, the second only sends. */
  duplex?: boolean | undefined;
}

/**
 * A pair of connected Connections, as Python's `multiprocessing.Pipe()`.
 *
 * @example
 * ```ts
 * const [a, b] = Pipe();
 * a.send({ hello: "world" });
 * console.log(b.recvSync()); // { hello: "world" }
 * ```
 */
export function Pipe(options: PipeOptions = {}): [Connection, Connection] {
  if (typeof options !== "object" || options === null) throw new TypeError(`Expected Pipe options like { duplex }, got ${describe(options)}`);
  checkOptionNames(options, "Pipe options", ["duplex"]);
  const duplex = options.duplex ?? true;
  if (typeof duplex !== "boolean") throw new TypeError(`Expected \`duplex\` to be a boolean, got ${describe(duplex)}`);
  const aToB = new Queue<unknown>();
  const bToA = duplex ? new Queue<unknown>() : undefined;
  const ends: [Connection, Connection] = duplex ? [newConnection(aToB, bToA), newConnection(bToA, aToB)] : [newConnection(undefined, aToB), newConnection(aToB, undefined)];
  // The ends hold the queues now.
  unbindBlock(aToB);
  if (bToA) unbindBlock(bToA);
  return ends;
}

/**
 * The objects, among `objects`, that are ready, waiting up to the timeout
 * (ms, or `{ timeout, signal }`) for at least one: forever without a
 * timeout; 0 (or less) just checks. As Python's
 * `multiprocessing.connection.wait`: Connections are ready when a recv would
 * not wait (a message, or the end of the pipe, is there), and a Process's
 * `sentinel` once the process has ended.
 *
 * @example
 * ```ts
 * for (const conn of await wait([a, b], 1000)) console.log(await conn.recv());
 * ```
 */
export async function wait<T extends Connection | Waitable>(objects: readonly T[], options?: WaitOptions | number): Promise<T[]> {
  if (!Array.isArray(objects) || objects.some((c) => !isWaitable(c))) {
    throw new TypeError(`Expected an array of Connections or sentinels, got ${describe(objects)}`);
  }
  const { deadline, signal } = checkWaitOptions(options);
  const hooks = objects.map((c) => (c as Waitable)[WAITABLE]());
  const readyNow = () => objects.filter((_, i) => hooks[i]!.ready());
  const ready = readyNow();
  if (ready.length > 0 || remaining(deadline) === 0 || objects.length === 0) return ready;
  // Wait on all of them; the first to become ready stops the others (an
  // abort notifies their words, so no waiter is left behind in V8).
  const controller = new AbortController();
  const stop = () => controller.abort(signal!.reason);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    await Promise.race(hooks.map((h) => h.wait({ timeout: remaining(deadline), signal: controller.signal }).catch(() => false)));
  } finally {
    signal?.removeEventListener("abort", stop);
    controller.abort();
  }
  signal?.throwIfAborted();
  return readyNow();
}
