// Queues whose users die: consumers running out of memory inside getSync
// must not wedge the queue; at most the item a dying consumer held is lost.
import { Queue, SharedArray } from "multiproc";
import { startFixture } from "@multiproc/test-utils";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);

/** 2 producers, 3 consumers that hoard memory until they die of it; the main thread drains what is left. */
export async function consumersRunOutOfMemory() {
  const perProducer = 20_000;
  const queue = new Queue({ maxsize: 1_000 });
  const seen = new SharedArray("i", 2 * perProducer);
  const producers = [0, 1].map((p) => startFixture(LOOP, { name: "produce", args: { queue, first: p * perProducer, count: perProducer } }));
  const consumers = [0, 1, 2].map((c) =>
    startFixture(LOOP, { name: "consumeHoarding", args: { queue, seen, hoard: c < 2 } }, { resourceLimits: { maxOldGenerationSizeMb: 24 + c * 8 } }),
  );
  // Producers block while the queue is full; the consumer that does not hoard keeps it moving.
  for (const p of producers) if ((await p.message) !== "done") return "a producer did not finish";
  await Promise.all(producers.map((p) => p.exited));
  queue.close();
  const ends = await Promise.all(consumers.map((c) => c.exited));
  const died = ends.filter((e) => e.code !== 0).length;
  for (;;) {
    try {
      seen.add(queue.getNowait().id, 1);
    } catch {
      break;
    }
  }
  const counts = seen.toArray();
  const duplicated = counts.filter((n) => n > 1).length;
  const lost = counts.filter((n) => n === 0).length;
  if (duplicated > 0) return `${duplicated} items delivered twice`;
  return lost > died ? `${lost} items lost with ${died} consumers dead (at most one each)` : undefined;
}
