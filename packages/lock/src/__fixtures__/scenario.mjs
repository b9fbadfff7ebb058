// Small cross-thread scenarios for the lock tests; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const scenarios = {
  // Releases a Lock that another thread acquired (legal for Lock, as in Python).
  release: ({ lock }) => lock.release(),
  tryAcquire: ({ lock }) => lock.tryAcquire(),
  // Takes the lock, says so, then dies without releasing it.
  holdAndExit: ({ lock, flag }) => {
    lock.acquireSync();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    process.exit(3);
  },
  // Starts a worker that takes the lock and blocks forever; once it holds it, this worker exits (taking it along).
  holdInGrandchild: async ({ lock, flag }) => {
    const { runFixture } = await import("@multiproc/test-utils");
    runFixture(new URL(import.meta.url), { name: "holdAndBlock", args: { lock, flag } }).catch(() => {});
    while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0);
    process.exit(0);
  },
  holdAndBlock: ({ lock, flag }) => {
    lock.acquireSync();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
  // Takes the lock (twice for an RLock), says so, and releases it once `go` is set.
  holdUntil: ({ lock, flag, go }) => {
    lock.acquireSync();
    if (lock.constructor.name === "RLock") lock.acquireSync();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    while (Atomics.load(go, 0) === 0) Atomics.wait(go, 0, 0);
    lock.release();
    if (lock.constructor.name === "RLock") lock.release();
  },
  // Condition: waits (async) until notified, counting wake-ups in `woken`.
  waitNotified: async ({ cond, woken, ready }) => {
    await cond.acquire();
    Atomics.add(ready, 0, 1);
    Atomics.notify(ready, 0);
    const notified = await cond.wait({ timeout: 20_000 });
    if (notified) Atomics.add(woken, 0, 1);
    cond.release();
    return notified;
  },
  // Condition producer: puts `count` numbers into a one-slot mailbox, each after the consumer took the last.
  produce: ({ cond, box, count }) => {
    for (let i = 1; i <= count; i++) {
      cond.acquireSync();
      cond.waitForSync(() => box[0] === 0);
      box[0] = i;
      cond.notifyAll();
      cond.release();
    }
  },
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
