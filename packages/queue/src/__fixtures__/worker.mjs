// Queue scenarios in a worker; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { QueueClosedError } from "@multiproc/queue";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const scenarios = {
  // Takes queues from `queues` until a null, and sleeps in a get on each until it is closed; returns how many.
  sleepOnEach: async ({ queues, mode }) => {
    for (let n = 0; ; n++) {
      const queue = queues.getSync();
      if (queue === null) return n;
      try {
        mode === "async" ? await queue.get() : queue.getSync();
      } catch (error) {
        if (!(error instanceof QueueClosedError)) throw error;
      }
    }
  },
  // Puts { p, i } for i < count; every `bigEvery`-th item carries a large payload.
  produce: async ({ queue, p, count, mode, bigEvery }) => {
    for (let i = 0; i < count; i++) {
      const item = bigEvery && i % bigEvery === 0 ? { p, i, big: new Uint8Array(200_000).fill(i & 0xff) } : { p, i };
      if (mode === "async") await queue.put(item);
      else queue.putSync(item);
    }
  },
  // Gets until the queue is closed and drained; returns [p, i] pairs in the order received.
  consume: async ({ queue, mode }) => {
    const got = [];
    for (;;) {
      let item;
      try {
        item = mode === "async" ? await queue.get() : queue.getSync();
      } catch (error) {
        if (error instanceof QueueClosedError) return got;
        throw error;
      }
      if (item.big && (item.big.length !== 200_000 || item.big[199_999] !== (item.i & 0xff))) throw new Error(`corrupt big item ${item.p}/${item.i}`);
      got.push([item.p, item.i]);
    }
  },
  // Gets until the queue is closed and drained; returns the items.
  drainAfterClose: async ({ queue }) => {
    const got = [];
    for (;;) {
      try {
        got.push(await queue.get());
      } catch (error) {
        if (error instanceof QueueClosedError) return got;
        throw error;
      }
    }
  },
  // Waits in get (sync or async) on an empty queue; reports what it got or the error's name.
  getOne: async ({ queue, mode, ready }) => {
    Atomics.add(ready, 0, 1);
    Atomics.notify(ready, 0);
    try {
      return { item: mode === "async" ? await queue.get() : queue.getSync() };
    } catch (error) {
      return { error: error.name };
    }
  },
  putOne: async ({ queue, item, mode, ready }) => {
    Atomics.add(ready, 0, 1);
    Atomics.notify(ready, 0);
    try {
      if (mode === "async") await queue.put(item);
      else queue.putSync(item);
      return { put: true };
    } catch (error) {
      return { error: error.name };
    }
  },
  // Uses what arrived inside an item: a lock (released here) and a queue (answered on).
  useShareables: async ({ queue }) => {
    const { lock, reply } = await queue.get();
    lock.release();
    await reply.put("answer through a queue that came through a queue");
  },
  // Waits in JoinableQueue.join (sync or async); reports whether it returned true.
  joinOne: async ({ queue, mode, ready }) => {
    Atomics.add(ready, 0, 1);
    Atomics.notify(ready, 0);
    return { joined: mode === "async" ? await queue.join() : queue.joinSync() };
  },
  // JoinableQueue consumer: marks every item done.
  work: async ({ queue, count }) => {
    for (let i = 0; i < count; i++) {
      await queue.get();
      queue.taskDone();
    }
  },
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
