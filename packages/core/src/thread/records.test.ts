import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { allocateBlock, childThreadEnded, currentThreadRecord, isTidAlive, prepareChildThread, threadName, toMessage } from "@multiproc/core/internal";
import { threadId } from "node:worker_threads";

const NESTED = new URL("../__fixtures__/nested.mjs", import.meta.url);

describe("thread liveness", () => {
  it("a worker is alive until its parent sees it exit; its name is known meanwhile", async () => {
    const me = currentThreadRecord();
    expect(isTidAlive(me.arena, threadId)).toBe(true);
    expect(threadName(me.arena, threadId)).toBe("MainProcess");
    const ready = new Int32Array(new SharedArrayBuffer(8));
    const child = prepareChildThread("\ufeffthe-child"); // a leading U+FEFF is kept
    const worker = new Worker(NESTED, { workerData: { thread: child.data, message: toMessage({ ready, depth: 0 }, "data") } });
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    while (Atomics.load(ready, 0) === 0) await Atomics.waitAsync(ready, 0, 0, 1000).value;
    const tid = worker.threadId; // -1 once it has exited
    expect(isTidAlive(me.arena, tid)).toBe(true);
    expect(threadName(me.arena, tid)).toBe("\ufeffthe-child");
    Atomics.store(ready, 1, 1);
    Atomics.notify(ready, 1);
    await exited;
    childThreadEnded(child);
    expect(isTidAlive(me.arena, tid)).toBe(false);
    expect(threadName(me.arena, tid)).toBeUndefined();
    // A thread nobody registered counts as alive: never take a lock over on a guess.
    expect(isTidAlive(me.arena, 999_999)).toBe(true);
  });

  it("a grandchild counts as dead once its parent is, and what it held is released", async () => {
    const me = currentThreadRecord();
    const ready = new Int32Array(new SharedArrayBuffer(8));
    const held = allocateBlock(1000 + 99, 8); // a block the grandchild will hold a reference to
    const child = prepareChildThread("middle");
    const worker = new Worker(NESTED, { workerData: { thread: child.data, message: toMessage({ ready, depth: 1, held: held.offset }, "data") } });
    const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
    while (Atomics.load(ready, 0) === 0) await Atomics.waitAsync(ready, 0, 0, 1000).value;
    const grandchild = Atomics.load(ready, 0);
    expect(isTidAlive(me.arena, grandchild)).toBe(true);
    expect(held.arena.refcount(held.offset)).toBe(2);
    await worker.terminate(); // Node ends the grandchild with it, unannounced
    await exited;
    childThreadEnded(child);
    expect(isTidAlive(me.arena, grandchild)).toBe(false);
    expect(held.arena.refcount(held.offset)).toBe(1); // the grandchild's reference was released for it
  });
});
