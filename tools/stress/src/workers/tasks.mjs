// Process targets for the nested scenarios: a middle process starts a
// grandchild that works on shared objects until the middle is killed (and
// Node ends the grandchild with it, at whatever instruction it was at).
import { Event, Lock, Pipe, Process, Queue, task } from "multiproc";

const SELF = new URL(import.meta.url);

export async function middle(work, shared, progress) {
  const child = new Process({ target: task(SELF, work), args: [shared, progress], printErrors: false });
  child.start();
  await child.join();
}

/** Puts and gets on the queue and takes the lock, forever. */
export function hammer({ queue, lock }, progress) {
  for (let i = 0; ; i++) {
    queue.putSync({ i, pad: i % 64 === 0 ? new Uint8Array(20_000) : undefined });
    queue.getSync();
    lock.acquireSync();
    progress.add(0, 1);
    lock.release();
  }
}

/** Creates and drops shared objects forever: the arena's allocator is busy all the time. */
export function allocate(_shared, progress) {
  const keep = [];
  for (let i = 0; ; i++) {
    keep.push(new Lock());
    if (keep.length > 100) keep.length = 0;
    progress.add(0, 1);
  }
}

/** Creates shared objects and keeps them to the end (so only its death can release them). */
export function keepShared() {
  globalThis.kept = [new Lock(), new Queue(), new Event(), Pipe()];
  globalThis.kept[1].putSync({ big: new Uint8Array(50_000) });
}
