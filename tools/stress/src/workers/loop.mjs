// Worker loops for fault injection: each runs until it is killed (or exits as told),
// counting its rounds in `progress` (a SharedArray) so the killer knows it is busy.
import { parentPort } from "node:worker_threads";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const loops = {
  /** Puts `count` items { p, i }, every `bigEvery`-th one carrying 100 KiB; then reports. */
  producer({ queue, p, count, bigEvery, method }) {
    for (let i = 0; i < count; i++) {
      const item = { p, i, big: i % bigEvery === 0 ? new Uint8Array(100_000).fill(i & 0xff) : undefined };
      if (method === "send") queue.send(item);
      else queue.putSync(item);
    }
    parentPort.postMessage("done");
  },
  /** Gets until the end (closed queue, or a "stop" item per consumer), checking big payloads; reports [p, i] pairs in order. */
  consumer({ queue, method, joinable }) {
    const got = [];
    for (;;) {
      let item;
      try {
        item = method === "recv" ? queue.recvSync() : queue.getSync();
      } catch {
        break;
      }
      if (item === "stop") break;
      if (item.big && (item.big.length !== 100_000 || item.big[99_999] !== (item.i & 0xff))) throw new Error(`corrupt item ${item.p}/${item.i}`);
      got.push(item.p, item.i);
      if (joinable) queue.taskDone();
    }
    parentPort.postMessage(got);
  },
  /** `times` increments of d.n under the lock, through the dict proxy (sync calls); then reports. */
  managerCount({ d, lock, times, progress, slot }) {
    for (let i = 0; i < times; i++) {
      lock.acquireSync();
      try {
        d.setSync("n", d.getSync("n") + 1);
      } finally {
        lock.release();
      }
      progress.add(slot, 1);
    }
    parentPort.postMessage("done");
  },
  /** acquireSync / release forever (RLock: nested twice). */
  lock({ lock, progress, slot }) {
    const nested = lock.constructor.name === "RLock";
    for (;;) {
      lock.acquireSync();
      if (nested) lock.acquireSync();
      progress.add(slot, 1);
      if (nested) lock.release();
      lock.release();
    }
  },
  /** Takes the lock, says so, and holds it until killed, or exits holding it (`exit`). */
  /** Takes the lock and keeps it; with `exit`, calls process.exit once told to (slot + 1 of progress set). */
  hold({ lock, progress, slot, exit }) {
    lock.acquireSync();
    progress.add(slot, 1);
    if (exit) {
      while (progress.get(slot + 1) === 0) Atomics.wait(progress.raw, slot + 1, 0, 1000);
      process.exit(3);
    }
    for (;;) pause(1000);
  },
  /** Tries to take the lock for `ms`, reports whether it got it, and ends. */
  tryFor({ lock, ms }) {
    parentPort.postMessage(lock.acquireSync({ timeout: ms }));
  },
  /** Waits at the barrier (sync or async); reports the outcome's name. Dies as told once waiting: exit, throw, or stays for a kill. */
  async barrier({ barrier, mode, die, progress, slot }) {
    progress.add(slot, 1);
    if (die === "exit") setTimeout(() => process.exit(3), 200);
    if (die === "throw") setTimeout(() => { throw new Error("party failed"); }, 200);
    try {
      const index = mode === "async" ? await barrier.wait({ timeout: 20_000 }) : barrier.waitSync({ timeout: 20_000 });
      parentPort.postMessage({ index });
    } catch (error) {
      parentPort.postMessage({ error: error.name });
    }
  },
  /** Sends "hello" on its Pipe end, says so, then dies without closing it: killed, or process.exit. */
  holdEnd({ conn, progress, exit }) {
    conn.send("hello");
    progress.add(0, 1);
    if (exit) process.exit(3);
    for (;;) pause(1000);
  },
  /** Puts `count` items { id } (every 50th one large). */
  produce({ queue, first, count }) {
    for (let i = 0; i < count; i++) queue.putSync({ id: first + i, pad: i % 50 === 0 ? new Uint8Array(70_000) : undefined });
    parentPort.postMessage("done");
  },
  /** Gets items until the queue is closed, marking each id seen; hoards memory as it goes, so it runs out at some point. */
  consumeHoarding({ queue, seen, hoard }) {
    const keep = [];
    for (;;) {
      let item;
      try {
        item = queue.getSync();
      } catch {
        parentPort.postMessage("drained");
        return;
      }
      seen.add(item.id, 1);
      if (hoard) keep.push(new Array(2_000).fill(item.id));
    }
  },
};

await loops[name](args);
