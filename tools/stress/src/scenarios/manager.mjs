// A manager's caller killed (Process.kill) in the middle of its calls: the
// manager keeps serving the others (whose count comes out exact), and the
// objects the dead caller held are dropped (the object count returns to
// what it was), including one whose reply it was taking when it was stopped.
import { Lock, Manager, Process, SharedArray } from "multiproc";
import { startFixture } from "@multiproc/test-utils";
import { until } from "./until.mjs";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);

export async function callerKilled(rng) {
  const manager = await Manager();
  try {
    const d = await manager.dict({ n: 0 });
    const lock = new Lock();
    const progress = new SharedArray("i", 3);
    const times = 300;
    const baseline = await manager.numberOfObjects();
    const counters = [0, 1].map((slot) => startFixture(LOOP, { name: "managerCount", args: { d, lock, times, progress, slot } }));
    const victim = new Process({ target: victimLoop, args: [manager, d, progress, 2] });
    victim.start();
    await until(progress, 2, 1 + Math.floor(rng() * 40));
    await victim.kill();
    await victim.join();
    await Promise.all(counters.map((c) => c.exited));
    const n = await d.get("n");
    if (n !== 2 * times) return `the survivors counted ${n}, expected ${2 * times}`;
    // The dead caller's lists go once its references are released and the manager drops its reply channel (when idle).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const objects = await manager.numberOfObjects();
      if (objects === baseline) return undefined;
      if (Date.now() > deadline) return `the manager still holds ${objects - baseline} objects of the dead caller`;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await manager.shutdown();
  }
}

/** Makes managed lists and writes to the dict forever, sync and async, holding every list (sent by value to the Process). */
async function victimLoop(manager, d, progress, slot) {
  const held = [];
  for (let i = 0; ; i++) {
    held.push(i % 2 ? manager.listSync([i]) : await manager.list([i]));
    d.setSync(`junk${i % 4}`, held.length);
    await d.get("n");
    progress.add(slot, 1);
  }
}
