// A worker that, at depth 0, says it runs (its threadId in ready[0]) and waits for ready[1];
// at depth 1, starts a depth-0 worker itself that also holds a reference to block `held`.
import { Worker, workerData } from "node:worker_threads";
import { bindBlock, Block, childThreadEnded, homeArena, prepareChildThread, toMessage } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { ready, depth, held } = await fixtureData();
if (depth === 0) {
  if (held) {
    const arena = homeArena();
    arena.retain(held);
    globalThis.keep = {};
    bindBlock(globalThis.keep, new Block(arena, held));
  }
  Atomics.store(ready, 0, (await import("node:worker_threads")).threadId);
  Atomics.notify(ready, 0);
  while (Atomics.load(ready, 1) === 0) Atomics.wait(ready, 1, 0);
} else {
  const child = prepareChildThread("grandchild");
  const worker = new Worker(new URL(import.meta.url), { workerData: { thread: child.data, message: toMessage({ ready, depth: 0, held }, "data") } });
  worker.once("exit", () => childThreadEnded(child));
  void workerData;
  setInterval(() => {}, 1000); // stays until terminated
}
