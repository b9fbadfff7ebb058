import { Worker } from "node:worker_threads";
import { checkWorkerFile, childThreadEnded, deserializeError, prepareChildThread, terminateChildThread, toMessage, type ChildThread } from "@multiproc/core/internal";
import type { Queue } from "@multiproc/queue";
import type { SharedArray } from "@multiproc/shared-value";
import type { RemoteThreadData, Request } from "./protocol.js";
import type { Remote } from "./remote-options.js";

/** A remote manager client's connection thread, as the connecting thread holds it. */
export interface RemoteThread {
  readonly worker: Worker;
  readonly exited: Promise<void>;
  /** Ends the thread (its sockets close with it) and waits for it. */
  stop(): Promise<void>;
}

const FILE = new URL("./client-thread.js", import.meta.url);

/**
 * Starts a client's connection thread over `inbox` and `state` and waits
 * for its first word: `{ connected }` once it is connected and
 * authenticated; `{ error }` (nobody listens there, a wrong authkey) stops
 * it and rejects with that error. `onExit` runs when the thread ends,
 * whatever the way.
 */
export async function startRemoteThread(
  kind: RemoteThreadData["kind"],
  name: string,
  link: { inbox: Queue<Request>; state: SharedArray<"i"> },
  remote: Remote,
  onExit: () => void,
): Promise<{ thread: RemoteThread; first: Record<string, unknown> }> {
  const file = FILE;
  checkWorkerFile(file, "@multiproc/manager");
  const child: ChildThread = prepareChildThread(name, [], "a Manager");
  const data: RemoteThreadData = { kind, thread: child.data, link: toMessage(link, "manager"), remote };
  const worker = new Worker(file, { workerData: data, name });
  worker.unref();
  const exited = new Promise<void>((resolve) => {
    worker.once("exit", () => {
      childThreadEnded(child);
      onExit();
      resolve();
    });
  });
  const thread: RemoteThread = { worker, exited, stop: () => terminateChildThread(child, worker).then(() => exited) };
  worker.ref(); // until its first word
  const first = await new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
    void exited.then(() => reject(new Error("The manager client's connection thread ended before it connected")));
  });
  worker.unref();
  if (first.error) {
    await thread.stop();
    throw deserializeError(first.error as never);
  }
  return { thread, first };
}
