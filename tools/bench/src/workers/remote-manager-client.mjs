// A client of a remote manager, in its own OS process: connects, makes a
// dict there and times n/2 increments (a get and a set each), one call at a
// time (sync or awaited), or n sets with `inFlight` calls out at once.
// Prints one JSON line: { ops, ms }.
import { Manager } from "multiproc";

const [port, authkey, mode, size, inFlight = "1"] = process.argv.slice(2);
const n = Number(size);
const manager = await Manager.connect({ address: ["127.0.0.1", Number(port)], authkey });
const dict = await manager.dict({ k: 0 });
const start = performance.now();
if (mode === "sync") {
  for (let k = 0; k < n / 2; k++) dict.setSync("k", dict.getSync("k") + 1);
} else if (mode === "async") {
  for (let k = 0; k < n / 2; k++) await dict.set("k", (await dict.get("k")) + 1);
} else {
  const batch = Number(inFlight);
  for (let k = 0; k < n; k += batch) await Promise.all(Array.from({ length: Math.min(batch, n - k) }, (_, j) => dict.set("k", k + j)));
}
const ms = performance.now() - start;
if (mode !== "pipelined" && (await dict.get("k")) !== n / 2) throw new Error(`expected ${n / 2} increments, got ${await dict.get("k")}`);
await manager.close();
console.log(JSON.stringify({ ops: n, ms }));
