// Semaphore scenarios in a worker; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const scenarios = {
  // Enters the semaphore `rounds` times, recording in `stats` how many are inside at once.
  // stats: [inside now, most inside ever, entries]
  crowd: async ({ sem, stats, rounds, start, mode }) => {
    Atomics.add(start, 0, 1);
    Atomics.notify(start, 0);
    while (Atomics.load(start, 0) < start[1]) Atomics.wait(start, 0, Atomics.load(start, 0), 100);
    for (let i = 0; i < rounds; i++) {
      if (mode === "async") await sem.acquire();
      else sem.acquireSync();
      const inside = Atomics.add(stats, 0, 1) + 1;
      for (let seen = Atomics.load(stats, 1); inside > seen; seen = Atomics.load(stats, 1)) {
        if (Atomics.compareExchange(stats, 1, seen, inside) === seen) break;
      }
      Atomics.add(stats, 2, 1);
      Atomics.sub(stats, 0, 1);
      sem.release();
    }
  },
  release: ({ sem, n }) => sem.release(n),
  value: ({ sem }) => sem.getValue(),
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
