import { describe, deadlineOf } from "@multiproc/core";
import { Queue } from "@multiproc/queue";
import { Connection, newConnection, waitForMessage } from "./connection.js";

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
  const duplex = options.duplex ?? true;
  if (typeof duplex !== "boolean") throw new TypeError(`Expected \`duplex\` to be a boolean, got ${describe(duplex)}`);
  if (!duplex) {
    const oneWay = new Queue<unknown>();
    return [newConnection(undefined, oneWay), newConnection(oneWay, undefined)];
  }
  const aToB = new Queue<unknown>();
  const bToA = new Queue<unknown>();
  return [newConnection(aToB, bToA), newConnection(bToA, aToB)];
}

/**
 * The connections, among `connections`, that have a message (or the end of
 * the pipe) to receive, waiting up to `timeout` ms for at least one (forever
 * without a timeout; 0 just checks). As Python's `multiprocessing.connection.wait`.
 */
export async function wait(connections: readonly Connection[], timeout?: number): Promise<Connection[]> {
  if (!Array.isArray(connections) || connections.some((c) => !(c instanceof Connection))) {
    throw new TypeError(`Expected an array of Connections, got ${describe(connections)}`);
  }
  deadlineOf(timeout);
  const readyNow = () => connections.filter((c) => c.pollSync(0));
  const ready = readyNow();
  if (ready.length > 0 || timeout === 0 || connections.length === 0) return ready;
  // Wait on all of them; the first to become readable stops the others (an
  // abort notifies their words, so no waiter is left behind in V8).
  const controller = new AbortController();
  try {
    await Promise.race(connections.map((c) => waitForMessage(c, { timeout, signal: controller.signal }).catch(() => false)));
  } finally {
    controller.abort();
  }
  return readyNow();
}
