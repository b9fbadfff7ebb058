import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { childThreadEnded, lockMutex, prepareChildThread, sleepAsync, terminateChildThread, toMessage, unlockMutex } from "@multiproc/core/internal";

const fixture = new URL("../__fixtures__/mutex-loop.mjs", import.meta.url);

/** Starts the mutex loop on `words`; resolves once it has run 1000 rounds. */
async function startLoop(words: Int32Array) {
  Atomics.store(words, 2, 0);
  const child = prepareChildThread("mutex-loop");
  const worker = new Worker(fixture, { workerData: { thread: child.data, message: toMessage({ words }, "data") } });
  const exited = new Promise<number>((resolve) => worker.once("exit", (code) => resolve(code)));
  void exited.then(() => childThreadEnded(child));
  for (let seen = Atomics.load(words, 2); seen < 1000; seen = Atomics.load(words, 2)) await sleepAsync(words, 2, seen, Infinity, undefined, 20);
  return { child, worker, exited };
}

describe("terminateChildThread", () => {
  it("stops a worker only outside its critical sections: the mutexes it was using are free afterwards", async () => {
    const words = new Int32Array(new SharedArrayBuffer(12));
    for (let round = 0; round < 20; round++) {
      const { child, worker, exited } = await startLoop(words);
      await terminateChildThread(child, worker);
      await exited;
      expect([Atomics.load(words, 0), Atomics.load(words, 1)]).toEqual([0, 0]);
    }
    // And they still work here.
    lockMutex(words, 0);
    unlockMutex(words, 0);
  });

  it("is a no-op on the record of a worker that has already exited", async () => {
    const words = new Int32Array(new SharedArrayBuffer(12));
    const { child, worker, exited } = await startLoop(words);
    await worker.terminate();
    await exited;
    expect(child.ended).toBe(true);
    await terminateChildThread(child, worker);
  });
});
