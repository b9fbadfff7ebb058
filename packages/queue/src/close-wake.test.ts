import { describe, expect, it } from "vitest";
import { SHAREABLE } from "@multiproc/core/internal";
import { Queue } from "@multiproc/queue";
import { runFixture } from "@multiproc/test-utils";

// A file of its own: the worker's references go when it exits, after this
// test, and would move the counts of live blocks that other tests take.
const WORKER = new URL("./__fixtures__/worker.mjs", import.meta.url);

describe("a sleeper woken by close()", () => {
  it.each(["sync", "async"])("%s: a get woken by a close unregisters before its thread lets go of the memory: a queue made next there works", async (mode) => {
    // The waiter found the queue spent and let go of the memory, then
    // unregistered (GETTERS - 1) into memory this thread may have made a new
    // queue in meanwhile: that queue's count of sleepers read -1 and its
    // first put threw QueueFullError (a pool's task queue, seen in tests).
    const queues = new Queue<Queue<number> | null>();
    const done = runFixture(WORKER, { name: "sleepOnEach", args: { queues, mode } });
    const rounds = 200;
    for (let i = 0; i < rounds; i++) {
      const queue = new Queue<number>();
      const getters = queue[SHAREABLE]().int32(0, 4); // word 3: GETTERS (layout.ts)
      queues.putSync(queue);
      while (Atomics.load(getters, 3) === 0) Atomics.wait(getters, 3, 0, 1); // the worker is asleep in its get
      queue.close(); // this instance lets go; the worker's wakes, finds it spent, lets go and leaves
      // Meanwhile, new queues here take the memory as it is freed.
      const until = performance.now() + 1;
      while (performance.now() < until) {
        const next = new Queue<number>();
        next.putNowait(1);
        expect(next.getNowait()).toBe(1);
        next.close();
      }
    }
    queues.putSync(null);
    expect(await done).toEqual({ ok: rounds });
  });
});
