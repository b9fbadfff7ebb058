// Shared memory and heap stay flat: many primitives created and dropped (or
// closed), and many Processes that allocate shared objects and exit.
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  JoinableQueue,
  Lock,
  Pipe,
  Process,
  Queue,
  RLock,
  Semaphore,
  SharedArray,
  ShareableList,
  SharedMemory,
  SharedValue,
  SimpleQueue,
  task,
} from "multiproc";
import { currentThreadRecord } from "@multiproc/core/internal";
import { collectGarbage, startFixture } from "@multiproc/test-utils";
import { churn } from "../workers/churn.mjs";

const TASKS = new URL("../workers/tasks.mjs", import.meta.url);
const CHURN = new URL("../workers/churn.mjs", import.meta.url);

const MAKERS = {
  Lock: () => new Lock(),
  RLock: () => new RLock(),
  Condition: () => new Condition(),
  Semaphore: () => new Semaphore(2),
  BoundedSemaphore: () => new BoundedSemaphore(2),
  Event: () => new Event(),
  Barrier: () => new Barrier(2),
  SharedValue: () => new SharedValue("i", 1),
  SharedArray: () => new SharedArray("d", 16),
  SharedMemory: () => new SharedMemory({ size: 256 }),
  ShareableList: () => new ShareableList(["howdy", 3, 2.5, true, null, new Uint8Array(9)]),
  Queue: () => {
    const q = new Queue();
    q.putNowait({ a: [1, 2] });
    q.close();
    return q;
  },
  JoinableQueue: () => new JoinableQueue(),
  SimpleQueue: () => new SimpleQueue(),
  Pipe: () => {
    const [a, b] = Pipe();
    a.send("x");
    b.recvSync();
    a.close();
    b.close();
    return a;
  },
};

const live = () => currentThreadRecord().arena.liveBlocks();

export function cycles(count) {
  return async () => {
    await collectGarbage();
    const blocksBefore = live();
    const heapBefore = process.memoryUsage().heapUsed;
    for (const [name, make] of Object.entries(MAKERS)) {
      for (let i = 0; i < count; i++) {
        make();
        if (i % 2_000 === 1_999) await collectGarbage();
      }
    }
    await collectGarbage();
    const extraBlocks = live() - blocksBefore;
    const extraHeapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    if (extraBlocks > 16) return `${extraBlocks} shared blocks left over after ${count} of each primitive`;
    return extraHeapMb > 32 ? `the heap grew by ${extraHeapMb.toFixed(1)} MiB` : undefined;
  };
}

/** Processes that create shared objects (and keep them) and then exit: what they held is released for them. */
export function processes(count) {
  return async () => {
    await collectGarbage();
    const blocksBefore = live();
    for (let i = 0; i < count; i++) {
      const p = new Process({ target: task(TASKS, "keepShared"), printErrors: false });
      p.start();
      await p.join();
      if (p.exitCode !== 0) return `process ${i} failed: ${p.error?.message}`;
    }
    await collectGarbage();
    const extra = live() - blocksBefore;
    return extra > 16 ? `${extra} shared blocks left over after ${count} processes` : undefined;
  };
}

/** Make, use and close each closable object `count` times with no garbage collection, here and in a worker: the arena stays flat. */
export function churnWithoutCollection(count) {
  return async () => {
    const here = churn(count);
    if (here) return `main thread: ${here}`;
    const worker = startFixture(CHURN, { count });
    const there = await worker.message;
    await worker.exited;
    return there ? `worker: ${there}` : undefined;
  };
}
