// Allocates and frees blocks in a loop, stamping each block's payload with
// this worker's id and checking nobody else wrote into it meanwhile.
import { parentPort } from "node:worker_threads";
import { allocateBlock, releaseBlock } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { id, rounds, start } = await fixtureData();
Atomics.add(start, 0, 1);
Atomics.notify(start, 0);
while (Atomics.load(start, 0) < 2) Atomics.wait(start, 0, 1, 50);
let corrupt = 0;
for (let r = 0; r < rounds; r++) {
  const blocks = [];
  for (let size = 4; size <= 4096; size *= 4) {
    const block = allocateBlock(1000, size);
    block.int32().fill(id);
    blocks.push(block);
  }
  for (const block of blocks) {
    if (block.int32().some((w) => w !== id)) corrupt++;
    releaseBlock(block.arena, block.offset);
  }
}
parentPort.postMessage({ corrupt });
