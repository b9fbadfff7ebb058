// Make, use and close shared objects in a loop with no garbage collection
// (nothing else allocates much, so V8 has no reason to collect): close()
// alone must keep the arena flat. Run in the main thread, and as a worker
// (then it reports its result to its parent).
import { isMainThread, parentPort } from "node:worker_threads";
import { JoinableQueue, Pipe, Queue, SharedMemory, SimpleQueue } from "multiproc";
import { currentThreadRecord } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const live = () => currentThreadRecord().arena.liveBlocks();

const USES = {
  Pipe: () => {
    const [a, b] = Pipe();
    a.send({ n: 1 });
    b.recvSync();
    b.send(new Uint8Array(40_000)); // spilled: a block of its own
    a.recvSync();
    a.close();
    b.close();
  },
  Queue: () => {
    const q = new Queue();
    q.putSync("x");
    q.getSync();
    q.close();
  },
  JoinableQueue: () => {
    const q = new JoinableQueue();
    q.putSync("x");
    q.close();
    q.getSync();
    q.taskDone();
  },
  SimpleQueue: () => {
    const q = new SimpleQueue();
    q.putSync(new Uint8Array(30_000));
    q.getSync();
    q.close();
  },
  SharedMemory: () => {
    const m = new SharedMemory({ size: 1 << 20 });
    m.buf[m.size - 1] = 1;
    m.close();
  },
};

/** A failure description, or undefined. */
export function churn(count) {
  for (const use of Object.values(USES)) use(); // first uses may set up per-thread blocks (the ledger)
  const before = live();
  for (const [name, use] of Object.entries(USES)) {
    for (let i = 0; i < count; i++) {
      try {
        use();
      } catch (error) {
        return `${name} ${i}: ${error.message}`;
      }
    }
    if (live() !== before) return `${live() - before} blocks left after ${count} × ${name}`;
  }
  return undefined;
}

if (!isMainThread && parentPort) {
  const { count } = await fixtureData();
  parentPort.postMessage(churn(count) ?? null);
}
