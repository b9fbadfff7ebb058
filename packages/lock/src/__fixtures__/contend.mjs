// Increments a plain (non-atomic) shared counter `rounds` times under the
// lock, after a start barrier so both workers really overlap. A broken lock
// loses updates; a working one gives the exact total.
import { parentPort } from "node:worker_threads";
import { fixtureData } from "@multiproc/test-utils";

const { lock, cell, rounds, start, mode, nested } = await fixtureData();
Atomics.add(start, 0, 1);
Atomics.notify(start, 0);
while (Atomics.load(start, 0) < 2) Atomics.wait(start, 0, Atomics.load(start, 0));
for (let i = 0; i < rounds; i++) {
  if (mode === "async") await lock.acquire();
  else lock.acquireSync();
  if (nested) lock.acquireSync();
  cell[0] = cell[0] + 1;
  if (nested) lock.release();
  lock.release();
}
parentPort.postMessage("done");
