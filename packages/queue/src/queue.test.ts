import { execFile } from "node:child_process";
import { inspect, promisify } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currentThreadRecord, deserializeError, SHAREABLE, ValueError } from "@multiproc/core/internal";
import { Lock } from "@multiproc/lock";
import { JoinableQueue, Queue, QueueClosedError, QueueEmptyError, QueueFullError, ShutDown, SimpleQueue } from "@multiproc/queue";
import * as internal from "@multiproc/queue/internal";
import { collectGarbage, Counter, runFixture } from "@multiproc/test-utils";

const WORKER = new URL("./__fixtures__/worker.mjs", import.meta.url);

async function inWorker(name: string, args: Record<string, unknown>): Promise<any> {
  const reply = await runFixture(WORKER, { name, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.ok;
}

async function until(cell: Int32Array, n: number): Promise<void> {
  while (Atomics.load(cell, 0) < n) await Atomics.waitAsync(cell, 0, Atomics.load(cell, 0), 1000).value;
}

/** Every [p, i] exactly once, and each consumer saw each producer's items in order. */
function checkDelivery(lists: [number, number][][], producers: number, count: number): void {
  const seen = new Set<string>();
  for (const list of lists) {
    const last = new Map<number, number>();
    for (const [p, i] of list) {
      const key = `${p}/${i}`;
      expect(seen.has(key), `${key} delivered twice`).toBe(false);
      seen.add(key);
      expect(i, `producer ${p} out of order`).toBeGreaterThan(last.get(p) ?? -1);
      last.set(p, i);
    }
  }
  expect(seen.size).toBe(producers * count);
}

describe("Queue", () => {
  describe("put() and get()", () => {
    it("deliver in FIFO order, any cloneable value, through every form", async () => {
      const q = new Queue<unknown>();
      await q.put(1);
      q.putSync("two");
      q.putNowait({ three: [3] });
      await q.put(new Uint8Array([4]));
      expect(q.qsize()).toBe(4);
      expect(await q.get()).toBe(1);
      expect(q.getSync()).toBe("two");
      expect(q.getNowait()).toEqual({ three: [3] });
      expect(await q.get({ timeout: 0 })).toEqual(new Uint8Array([4]));
      expect(q.empty()).toBe(true);
    });

    it("round-trip arbitrary values (property)", () => {
      const q = new Queue<unknown>();
      fc.assert(
        fc.property(fc.anything({ withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: false, withObjectString: false, withBoxedValues: false }), (value) => {
          q.putNowait(value);
          expect(q.getNowait()).toEqual(value);
        }),
        { numRuns: 300 },
      );
    });

    it("pass items larger than a segment, in order with small ones", () => {
      const q = new Queue<Uint8Array | number>();
      const sizes = [5, 70_000, 10, 3_000_000, 1, 16_385, 40_000];
      sizes.forEach((size, i) => q.putNowait(size === 1 ? i : new Uint8Array(size).fill(i)));
      for (const [i, size] of sizes.entries()) {
        const item = q.getNowait();
        if (size === 1) expect(item).toBe(i);
        else expect([(item as Uint8Array).length, (item as Uint8Array)[size - 1]]).toEqual([size, i]);
      }
    });

    it("keep a waiting put's item intact while other puts and gets run on the same thread", async () => {
      const q = new Queue<unknown>({ maxsize: 1 });
      q.putNowait("first");
      const waiting = q.put({ second: "x".repeat(300) }); // waits for room
      expect(() => q.putNowait("third, which reuses the encode buffer")).toThrow(QueueFullError);
      expect(q.getNowait()).toBe("first");
      await waiting;
      expect(q.getNowait()).toEqual({ second: "x".repeat(300) });
    });
  });

  describe("errors", () => {
    it("getNowait() and get({ timeout }) on an empty queue: QueueEmptyError", async () => {
      const q = new Queue();
      expect(() => q.getNowait()).toThrow(QueueEmptyError);
      await expect(q.get({ timeout: 30 })).rejects.toThrow(QueueEmptyError);
      expect(() => q.getSync({ timeout: 30 })).toThrow(new QueueEmptyError("The queue stayed empty for 30 ms"));
    });

    it("putNowait() and put({ timeout }) on a full queue: QueueFullError, and the item is not added", async () => {
      const q = new Queue<number>({ maxsize: 1 });
      q.putNowait(1);
      expect(q.full()).toBe(true);
      expect(() => q.putNowait(2)).toThrow(QueueFullError);
      await expect(q.put(3, { timeout: 30 })).rejects.toThrow(QueueFullError);
      expect(() => q.putSync(4, { timeout: 30 })).toThrow(QueueFullError);
      expect(q.qsize()).toBe(1);
      expect(q.getNowait()).toBe(1);
    });

    it("a put after close(): QueueClosedError (a ValueError); gets drain what is left, then QueueClosedError", async () => {
      const q = new Queue<number>();
      q.putNowait(1);
      q.close();
      expect(() => q.putNowait(2)).toThrow(QueueClosedError);
      await expect(q.put(2)).rejects.toThrow(ValueError);
      expect(q.getNowait()).toBe(1);
      await expect(q.get()).rejects.toThrow(QueueClosedError);
      expect(() => q.getSync()).toThrow(new QueueClosedError("The queue is closed and empty"));
    });

    it("an unsendable item: TypeError naming where it sits, queue unchanged", async () => {
      const q = new Queue<unknown>();
      const counter = new Counter();
      await expect(q.put({ ok: counter, bad: [() => 1] })).rejects.toThrow("Cannot send item.bad[0]: it is a function");
      expect(() => q.putNowait(Symbol("s"))).toThrow(TypeError);
      expect(q.qsize()).toBe(0);
      expect(counter[SHAREABLE]().arena.refcount(counter[SHAREABLE]().offset)).toBe(1);
    });

    it("bad options: TypeError or ValueError", () => {
      expect(() => new Queue({ maxsize: 1.5 })).toThrow(new ValueError("Expected `maxsize` to be an integer, got 1.5"));
      expect(() => new Queue({ maxsize: "3" as never })).toThrow(TypeError);
      expect(() => new Queue(7 as never)).toThrow(TypeError);
      expect(new Queue({ maxsize: -5 }).maxsize).toBe(0);
    });

    it("an aborted get or put rejects with the reason and changes nothing", async () => {
      const q = new Queue<number>({ maxsize: 1 });
      const controller = new AbortController();
      const getting = q.get({ signal: controller.signal });
      setImmediate(() => controller.abort(new Error("stop")));
      await expect(getting).rejects.toThrow("stop");
      q.putNowait(1);
      await expect(q.put(2, { signal: AbortSignal.abort(new Error("never")) })).rejects.toThrow("never");
      expect(q.qsize()).toBe(1);
    });
  });

  describe("across threads", () => {
    it("3 producers x 3 consumers: every item exactly once, FIFO per producer (sync and async mixed)", async () => {
      const queue = new Queue({ maxsize: 64 });
      const count = 3000;
      const consumers = ["sync", "async", "sync"].map((mode) => inWorker("consume", { queue, mode }));
      await Promise.all(["async", "sync", "async"].map((mode, p) => inWorker("produce", { queue, p, count, mode })));
      queue.close();
      checkDelivery(await Promise.all(consumers), 3, count);
    });

    it("large items interleaved with small ones pass intact", async () => {
      const queue = new Queue({ maxsize: 8 });
      const count = 200;
      const consumers = ["sync", "async"].map((mode) => inWorker("consume", { queue, mode }));
      await Promise.all([0, 1].map((p) => inWorker("produce", { queue, p, count, mode: p ? "sync" : "async", bigEvery: 7 })));
      queue.close();
      checkDelivery(await Promise.all(consumers), 2, count);
    });

    it("putAll (/internal, for the pool) puts in order, its items reach getters that were asleep, and it stops at a full queue", async () => {
      const queue = new Queue<string>({ maxsize: 3 });
      const putAll = (items: string[]) => internal.putAll(queue, items);
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const getters = ["sync", "async"].map((mode) => inWorker("getOne", { queue, mode, ready }));
      await until(ready, 2);
      putAll(["a", "b"]);
      expect((await Promise.all(getters)).map((r) => r.item).sort()).toEqual(["a", "b"]);
      expect(() => putAll(["c", "d", "e", "f"])).toThrow(QueueFullError);
      expect([queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.empty()]).toEqual(["c", "d", "e", true]);
    });

    it("putAll and putAllLater (/internal) say how many sleeping getters their items are for; putAllLater's reach them once wakeGetters runs", async () => {
      const queue = new Queue<string>();
      expect(internal.putAll(queue, ["a", "b"])).toBe(0); // nobody waits
      expect(internal.putAllLater(queue, ["c"])).toBe(0);
      expect([queue.getNowait(), queue.getNowait(), queue.getNowait(), queue.empty()]).toEqual(["a", "b", "c", true]);
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const getters = ["sync", "async"].map((mode) => inWorker("getOne", { queue, mode, ready }));
      await until(ready, 2);
      // A getter may not be asleep yet (then it finds its item without a wake-up): 0 to 2.
      const asleep = internal.putAllLater(queue, ["x", "y"]);
      expect(asleep).toBeGreaterThanOrEqual(0);
      expect(asleep).toBeLessThanOrEqual(2);
      internal.wakeGetters(queue, asleep);
      expect((await Promise.all(getters)).map((r) => r.item).sort()).toEqual(["x", "y"]);
    });

    it("WatchAfterWake (/internal): watches after a put that woke nobody or when requests come back to back; after waking the requester of requests one at a time, only while such watches pay, trying one in 8", () => {
      const watching = new internal.WatchAfterWake();
      const apart = 5; // ms from an answer to the next request: one at a time
      expect([watching.shouldWatch(false, apart), watching.shouldWatch(false, 0), watching.shouldWatch(true, 0.01)]).toEqual([true, true, true]);
      const afterWakes = Array.from({ length: 16 }, () => watching.shouldWatch(true, apart));
      expect(afterWakes).toEqual([...Array(7).fill(false), true, ...Array(7).fill(false), true]);
      watching.watched(true, true); // that watch caught the next request: watch after wake-ups again
      expect(Array.from({ length: 3 }, () => watching.shouldWatch(true, apart))).toEqual([true, true, true]);
      watching.watched(false, false); // a watch that followed no wake-up says nothing about them
      expect(watching.shouldWatch(true, apart)).toBe(true);
      watching.watched(true, false);
      expect(watching.shouldWatch(true, apart)).toBe(false);
    });

    it("Batching (/internal): a waiter pauses while its waits find more than one item (or slot), and otherwise pauses one wait in 64 to find out", () => {
      const batching = new internal.Batching();
      const probes = Array.from({ length: 128 }, () => batching.shouldPause());
      expect(probes.flatMap((paused, i) => (paused ? [i] : []))).toEqual([63, 127]);
      batching.found(6); // that wait found six items: the other end streams
      expect([batching.shouldPause(), batching.shouldPause()]).toEqual([true, true]);
      batching.found(1); // a request/reply exchange finds one: the pause was latency
      expect(Array.from({ length: 63 }, () => batching.shouldPause()).includes(true)).toBe(false);
      expect(batching.shouldPause()).toBe(true);
    });

    it("getUnreferenced (/internal) takes items as get() does, but its wait does not keep the process alive", async () => {
      const queue = new Queue<number>();
      queue.putNowait(1);
      expect(await internal.getUnreferenced(queue)).toBe(1);
      const waiting = internal.getUnreferenced(queue, { timeout: 20_000 });
      queue.putNowait(2);
      expect(await waiting).toBe(2);
      const script = new URL("./__fixtures__/unreferenced-get.mjs", import.meta.url).pathname;
      // Node ends a program whose top-level await can no longer settle with exit code 13.
      await expect(promisify(execFile)(process.execPath, [script], { timeout: 20_000 })).rejects.toMatchObject({ code: 13, stdout: "" });
    });

    it("blocked consumers wake with items, blocked producers wake with room", async () => {
      const queue = new Queue<string>({ maxsize: 1 });
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const getters = ["sync", "async"].map((mode) => inWorker("getOne", { queue, mode, ready }));
      await until(ready, 2);
      await queue.put("a");
      await queue.put("b");
      const got = (await Promise.all(getters)).map((r) => r.item).sort();
      expect(got).toEqual(["a", "b"]);
      queue.putNowait("full");
      const putters = ["sync", "async"].map((mode, i) => inWorker("putOne", { queue, item: `p${i}`, mode, ready }));
      await until(ready, 4);
      const drained = [queue.getSync({ timeout: 20_000 }), queue.getSync({ timeout: 20_000 }), queue.getSync({ timeout: 20_000 })];
      expect(await Promise.all(putters)).toEqual([{ put: true }, { put: true }]);
      expect(drained[0]).toBe("full");
      expect(drained.slice(1).sort()).toEqual(["p0", "p1"]);
    });

    it("close() wakes blocked getters and putters with QueueClosedError, and loses nothing", async () => {
      const empty = new Queue<number>();
      const full = new Queue<number>({ maxsize: 1 });
      full.putNowait(7);
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const waiting = [
        inWorker("getOne", { queue: empty, mode: "sync", ready }),
        inWorker("getOne", { queue: empty, mode: "async", ready }),
        inWorker("putOne", { queue: full, item: 8, mode: "sync", ready }),
        inWorker("putOne", { queue: full, item: 9, mode: "async", ready }),
      ];
      await until(ready, 4);
      empty.close();
      full.close();
      expect(await Promise.all(waiting)).toEqual([
        { error: "QueueClosedError" },
        { error: "QueueClosedError" },
        { error: "QueueClosedError" },
        { error: "QueueClosedError" },
      ]);
      expect(full.getNowait()).toBe(7);
    });

    it("shareables inside an item arrive working: a Lock and another Queue", async () => {
      const queue = new Queue<{ lock: Lock; reply: Queue<string> }>();
      const lock = new Lock();
      lock.acquireSync();
      const reply = new Queue<string>();
      await queue.put({ lock, reply });
      await inWorker("useShareables", { queue });
      expect(lock.locked()).toBe(false);
      expect(await reply.get()).toBe("answer through a queue that came through a queue");
    });

    it("for await ends when the queue is closed and drained", async () => {
      const queue = new Queue<{ p: number; i: number }>();
      const producing = inWorker("produce", { queue, p: 0, count: 100, mode: "async" }).then(() => queue.close());
      const items: number[] = [];
      for await (const item of queue) items.push(item.i);
      await producing;
      expect(items).toEqual(Array.from({ length: 100 }, (_, i) => i));
    });
  });

  describe("shutdown()", () => {
    it("refuses puts with ShutDown, lets gets drain, then ShutDown; blocked getters and putters wake with ShutDown", async () => {
      const empty = new Queue<number>();
      const full = new Queue<number>({ maxsize: 1 });
      full.putNowait(7);
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const waiting = [
        inWorker("getOne", { queue: empty, mode: "sync", ready }),
        inWorker("getOne", { queue: empty, mode: "async", ready }),
        inWorker("putOne", { queue: full, item: 8, mode: "sync", ready }),
        inWorker("putOne", { queue: full, item: 9, mode: "async", ready }),
      ];
      await until(ready, 4);
      expect(empty.isShutdown).toBe(false);
      empty.shutdown();
      full.shutdown({ immediate: false });
      expect(await Promise.all(waiting)).toEqual([{ error: "ShutDown" }, { error: "ShutDown" }, { error: "ShutDown" }, { error: "ShutDown" }]);
      expect([empty.isShutdown, full.isShutdown]).toEqual([true, true]);
      expect(() => full.putNowait(1)).toThrow(ShutDown);
      await expect(full.put(1)).rejects.toThrow(ShutDown);
      expect(full.getNowait()).toBe(7); // what was there is still delivered
      expect(() => full.getNowait()).toThrow(ShutDown);
      await expect(full.get()).rejects.toThrow("The queue was shut down and nothing is left");
      expect(String(full)).toMatch(/^<Queue at 0x[0-9a-f]+ size=0 maxsize=1 shut down>$/);
      full.close(); // a closed queue that was shut down stays shut down
      expect(() => full.getSync()).toThrow(ShutDown);
    });

    it("immediate: drops the items (releasing the shareables in them), and getters get ShutDown at once", async () => {
      const queue = new Queue<unknown>();
      const counter = new Counter();
      const block = counter[SHAREABLE]();
      queue.putNowait({ counter });
      queue.putNowait(new Uint8Array(100_000));
      expect(block.arena.refcount(block.offset)).toBe(2);
      queue.shutdown({ immediate: true });
      expect(block.arena.refcount(block.offset)).toBe(1);
      expect(queue.qsize()).toBe(0);
      expect(() => queue.getNowait()).toThrow(ShutDown);
      const items: unknown[] = [];
      for await (const item of queue) items.push(item);
      expect(items).toEqual([]);
    });

    it("immediate on a JoinableQueue counts the dropped items as done, so join() returns in every thread", async () => {
      const queue = new JoinableQueue<number>();
      for (let i = 0; i < 5; i++) queue.putNowait(i);
      queue.getNowait(); // taken, not yet done
      const ready = new Int32Array(new SharedArrayBuffer(4));
      const joiners = ["sync", "async"].map((mode) => inWorker("joinOne", { queue, mode, ready }));
      await until(ready, 2);
      queue.shutdown({ immediate: true });
      expect(await queue.join({ timeout: 0 })).toBe(false); // the taken one is still unfinished
      queue.taskDone();
      expect(await Promise.all(joiners)).toEqual([{ joined: true }, { joined: true }]);
      expect(queue.joinSync({ timeout: 0 })).toBe(true);
      expect(String(queue)).toMatch(/^<JoinableQueue at 0x[0-9a-f]+ size=0 unfinished=0 shut down>$/);
    });

    it("checks its options", () => {
      const queue = new Queue();
      expect(() => queue.shutdown(5 as never)).toThrow(TypeError);
      expect(() => queue.shutdown({ immediate: "yes" as never })).toThrow("Expected `immediate` to be a boolean, got \"yes\"");
      expect(queue.isShutdown).toBe(false);
    });
  });

  it("describes itself with its address (the same in every thread), size, maxsize and state", () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    expect(String(queue)).toMatch(/^<Queue at 0x[0-9a-f]+ size=1>$/);
    queue.close();
    expect(inspect(queue)).toMatch(/^<Queue at 0x[0-9a-f]+ size=1 closed>$/);
    expect(String(new SimpleQueue())).toMatch(/^<SimpleQueue at 0x[0-9a-f]+ size=0>$/);
  });

  it("takes a number as the timeout of get and put, and a negative one as 0", async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    await expect(queue.get(-1)).rejects.toThrow(QueueEmptyError);
    expect(() => queue.getSync(10)).toThrow(QueueEmptyError);
    queue.putSync(1, -1);
    await expect(queue.put(2, 10)).rejects.toThrow(QueueFullError);
    expect(() => queue.putSync(2, { timeout: -5 })).toThrow(QueueFullError);
  });

  it("frees what items left in a collected queue hold", async () => {
    const counter = new Counter();
    const block = counter[SHAREABLE]();
    let queue: Queue<unknown> | undefined = new Queue();
    queue.putNowait({ counter });
    queue.putNowait(new Uint8Array(100_000));
    expect(block.arena.refcount(block.offset)).toBe(2);
    queue = undefined;
    await collectGarbage();
    expect(block.arena.refcount(block.offset)).toBe(1);
  });
});

describe("closed and empty: the memory is let go of at once", () => {
  const live = () => currentThreadRecord().arena.liveBlocks();

  it("frees a queue closed here when it is empty, or when the last get drains it, with no garbage collection", () => {
    const before = live();
    for (let i = 0; i < 20_000; i++) {
      const queue = i % 3 === 0 ? new Queue() : i % 3 === 1 ? new JoinableQueue() : new SimpleQueue();
      queue.putSync({ i, big: i % 100 === 0 ? new Uint8Array(30_000) : undefined });
      queue.close(); // not empty yet: the get below drains it
      queue.getSync();
      if (queue instanceof JoinableQueue) queue.taskDone();
    }
    expect(live()).toBe(before);
  });

  it("answers as the spent queue it is: closed errors, size 0, join at once; sending it is a clear ValueError", async () => {
    const before = live();
    const queue = new JoinableQueue<number>({ maxsize: 3 });
    queue.close();
    expect(live()).toBe(before);
    expect(() => queue.putNowait(1)).toThrow(QueueClosedError);
    await expect(queue.get()).rejects.toThrow(QueueClosedError);
    expect(() => queue.getSync()).toThrow(QueueClosedError);
    expect([queue.qsize(), queue.empty(), queue.full(), queue.maxsize, queue.isShutdown]).toEqual([0, true, false, 3, false]);
    await expect(queue.join()).resolves.toBe(true);
    expect(() => queue.taskDone()).toThrow(ValueError);
    expect(String(queue)).toMatch(/^<JoinableQueue at 0x[0-9a-f]+ size=0 maxsize=3 unfinished=0 closed>$/);
    const items: number[] = [];
    for await (const item of queue) items.push(item);
    expect(items).toEqual([]);
    const carrier = new Queue();
    expect(() => carrier.putNowait({ queue })).toThrow(/Cannot send this JoinableQueue: it is closed and empty, and this instance let go of its shared memory/);
    expect(carrier.qsize()).toBe(0);
  });

  it("keeps the memory while this thread's own async get waits on it, and lets go when the get ends", async () => {
    await collectGarbage();
    const before = live();
    const queue = new Queue<number>();
    const waiting = queue.get();
    queue.close();
    expect(live()).toBeGreaterThan(before); // the waiting get still reads the queue
    await expect(waiting).rejects.toThrow(QueueClosedError);
    expect(live()).toBe(before);
  });

  it("keeps a JoinableQueue until its items are done, and the other threads' copies working", async () => {
    const before = live();
    const queue = new JoinableQueue<number>();
    for (let i = 0; i < 10; i++) queue.putNowait(i);
    const worker = inWorker("work", { queue, count: 10 });
    await expect(queue.join({ timeout: 20_000 })).resolves.toBe(true);
    await worker;
    queue.close();
    expect(live()).toBe(before);
  });

  it("leaves other threads' instances of a queue working: each lets go of its own reference", async () => {
    const queue = new Queue<number>();
    const block = queue[SHAREABLE]();
    const there = inWorker("drainAfterClose", { queue });
    queue.putSync(1);
    queue.putSync(2);
    queue.close(); // spent here only once the worker has got both items
    expect(await there).toEqual([1, 2]);
    expect(() => queue.getNowait()).toThrow(QueueClosedError);
    expect(block.arena.kindOf(block.offset)).toBe(0); // the worker's reference and this one are both gone: freed
  });
});

describe("JoinableQueue", () => {
  it("join() waits until every item put was marked done by the consumers", async () => {
    const queue = new JoinableQueue<number>();
    for (let i = 0; i < 500; i++) queue.putNowait(i);
    const workers = [inWorker("work", { queue, count: 250 }), inWorker("work", { queue, count: 250 })];
    await expect(queue.join({ timeout: 20_000 })).resolves.toBe(true);
    await Promise.all(workers);
    expect(queue.joinSync({ timeout: 0 })).toBe(true);
  });

  it("join() times out while work is unfinished; taskDone() too often is a ValueError", async () => {
    const queue = new JoinableQueue<number>();
    queue.putNowait(1);
    await expect(queue.join({ timeout: 30 })).resolves.toBe(false);
    queue.getNowait();
    queue.taskDone();
    expect(() => queue.taskDone()).toThrow(new ValueError("taskDone() was called more times than items were put"));
    expect(queue).toBeInstanceOf(Queue);
  });
});

describe("SimpleQueue", () => {
  it("puts, gets, reports empty, closes", async () => {
    const queue = new SimpleQueue<string>();
    expect(queue.empty()).toBe(true);
    await queue.put("x");
    expect(queue.empty()).toBe(false);
    expect(queue.getSync()).toBe("x");
    queue.close();
    await expect(queue.get()).rejects.toThrow(QueueClosedError);
  });
});

describe("internal: Uint8Array items written and read in place (a pool's results and tasks)", () => {
  const live = () => currentThreadRecord().arena.liveBlocks();
  const pattern = (size: number) => Uint8Array.from({ length: size }, (_, i) => (i * 13) % 256);

  it("putBytesWith puts what its writer wrote, inline or in a block of its own, as putNowait of those bytes", async () => {
    const queue = new Queue<Uint8Array>();
    for (const size of [0, 10, 5000, 100_000]) {
      // The writer may ask for more than it fills, as core's encode does for a string.
      const woken = internal.putBytesWith(queue, (allocate) => {
        const out = allocate(size + 8);
        out.set(pattern(size));
        return out.subarray(0, size);
      });
      expect(woken).toBe(0);
      const got = queue.getSync();
      expect(got).toEqual(pattern(size));
      expect([got.byteOffset, got.buffer instanceof SharedArrayBuffer]).toEqual([0, false]);
    }
    const waiting = queue.get(); // registered as a sleeper before it returns
    expect(internal.putBytesWith(queue, (allocate) => allocate(3).fill(9))).toBe(1); // woke it
    expect(await waiting).toEqual(Uint8Array.of(9, 9, 9));
  });

  it("putBytesWith puts nothing when its writer throws, and nothing on a closed queue", () => {
    const queue = new Queue<Uint8Array>();
    queue.putNowait(Uint8Array.of(1)); // keeps the closed queue from being spent
    const before = live();
    expect(() => internal.putBytesWith(queue, () => { throw new TypeError("not sendable"); })).toThrow(new TypeError("not sendable"));
    expect([queue.qsize(), live()]).toEqual([1, before]);
    queue.close();
    expect(() => internal.putBytesWith(queue, (allocate) => allocate(100_000))).toThrow(QueueClosedError);
    expect([queue.qsize(), live()]).toEqual([1, before]);
  });

  it("readBytesWith hands each Uint8Array item to the reader where it lies, in every kind of get, and frees its block", async () => {
    const before = live();
    const plain = new Queue<unknown>();
    const queue = internal.readBytesWith(plain as Queue<Uint8Array>, (content) => ({
      sum: content.reduce((a, b) => a + b, 0),
      length: content.byteLength,
      shared: content.buffer instanceof SharedArrayBuffer,
    }));
    plain.putNowait(Uint8Array.of(1, 2, 3));
    plain.putNowait(new Uint8Array(100_000).fill(1)); // over a quarter segment: a block of its own
    plain.putNowait("text");
    plain.putNowait(Uint8Array.of(5));
    plain.putNowait(Uint8Array.of(6));
    expect(queue.getNowait()).toEqual({ sum: 6, length: 3, shared: false }); // copied out of the segment into this thread's scratch
    expect(queue.getSync()).toEqual({ sum: 100_000, length: 100_000, shared: true });
    expect(await queue.get()).toBe("text");
    expect(internal.tryGetNowait(queue)).toEqual({ sum: 5, length: 1, shared: false });
    expect(await internal.getUnreferenced(queue)).toEqual({ sum: 6, length: 1, shared: false });
    plain.putNowait(new Uint8Array(50_000).fill(2));
    expect(live()).toBe(before + 3); // the queue, its segment and the large item's block
    queue.getSync();
    expect(live()).toBe(before + 2);
  });
});
