// Shared memory and heap stay flat: many primitives created and dropped (or
// closed), and many Processes that allocate shared objects and exit.
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  JoinableQueue,
  Lock,
  Manager,
  Pipe,
  Process,
  Queue,
  RLock,
  Semaphore,
  SharedArray,
  ShareableList,
  SharedMemory,
  SharedMemoryManager,
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
  SharedMemoryManager: () => {
    const smm = new SharedMemoryManager();
    smm.shareableList([1, "two"]);
    smm.sharedMemory(64);
    smm.shutdown();
    return smm;
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

/** Managed dicts and lists made, used and dropped: the manager ends up holding what it held before, and the arena stays flat. */
export function managerProxies(count) {
  return async () => {
    await collectGarbage();
    const manager = await Manager();
    try {
      const blocksBefore = live();
      const objectsBefore = await manager.numberOfObjects();
      for (let i = 0; i < count; i++) {
        if (!(await makeAndDrop(manager, i))) return `list ${i} lost its item`;
        if (i % 500 === 499) await collectGarbage();
      }
      const deadline = Date.now() + 20_000;
      for (;;) {
        await collectGarbage();
        const objects = (await manager.numberOfObjects()) - objectsBefore;
        const blocks = live() - blocksBefore;
        if (objects === 0 && blocks <= 16) return undefined;
        if (Date.now() > deadline) return `after ${count} dicts and lists: ${objects} objects still in the manager, ${blocks} shared blocks left over`;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await manager.shutdown();
    }
  };
}

/** One dict holding one list, used and dropped (in a frame of its own, so nothing of it outlives the call). */
async function makeAndDrop(manager, i) {
  const d = i % 2 ? manager.dictSync({ i }) : await manager.dict({ i });
  const l = manager.listSync([i]);
  d.setSync("list", l); // a proxy inside a managed object: held by the manager until d goes
  return (await l.length()) === 1;
}
