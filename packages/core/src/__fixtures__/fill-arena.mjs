// Run as a program: drops 64 MiB blocks, one per macrotask, never closing
// them, until 4.5 GiB went through a 4 GiB arena. Nothing else allocates on the
// JS heap, so V8 has no reason to collect: only the arena's reclaim-on-full
// can make room. Prints the blocks live at the end.
import { allocateBlock, bindBlock, homeArena, KIND } from "@multiproc/core/internal";

const BLOCK = 64 * 2 ** 20;
let made = 0;
for (let i = 0; i < 72; i++) {
  bindBlock({}, allocateBlock(KIND.Buffer, BLOCK)); // the owner is garbage at once
  made++;
  await new Promise((resolve) => setImmediate(resolve));
}
console.log(JSON.stringify({ made, live: homeArena().liveBlocks() }));
