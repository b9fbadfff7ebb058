// A remote manager's client process SIGKILLed at a random instant of its
// calls: the manager keeps serving another remote client and a local
// Process (their count on one object comes out exact), and the objects the
// dead client held are dropped when its connection closes.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Manager, Process, task } from "multiproc";

const CLIENT = fileURLToPath(new URL("../workers/remote-client.mjs", import.meta.url));
const TALLY = task(new URL("../workers/tally.mjs", import.meta.url), "sharedTally");
const AUTHKEY = "stress";

function client(port, mode, times = 0) {
  const child = spawn(process.execPath, [CLIENT, String(port), AUTHKEY, mode, String(times)], { stdio: ["ignore", "pipe", "inherit"] });
  return { child, exited: once(child, "exit").then(([code, signal]) => ({ code, signal })) };
}

export async function clientKilled(rng) {
  Manager.register("Tally", TALLY);
  const manager = await Manager({ address: ["127.0.0.1", 0], authkey: AUTHKEY });
  try {
    const port = manager.address[1];
    const tally = await manager.create("Tally");
    const start = await tally.get("n");
    const baseline = await manager.numberOfObjects();
    const times = 300;
    const victim = client(port, "victim");
    const steps = 1 + Math.floor(rng() * 40);
    let seen = 0;
    const killed = new Promise((resolve) => {
      createInterface({ input: victim.child.stdout }).on("line", () => {
        if (++seen === steps) resolve(victim.child.kill("SIGKILL"));
      });
    });
    const counter = client(port, "count", times);
    const local = new Process({ target: countLocally, args: [tally, times] });
    local.start();
    await killed;
    await victim.exited;
    const counted = await counter.exited;
    await local.join();
    if (counted.code !== 0 || local.exitCode !== 0) return `a survivor failed: remote ${JSON.stringify(counted)}, local exit ${local.exitCode}`;
    const n = await tally.get("n");
    if (n !== start + 2 * times) return `the survivors counted ${n - start}, expected ${2 * times}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const objects = await manager.numberOfObjects();
      if (objects === baseline) return undefined;
      if (Date.now() > deadline) return `the manager still holds ${objects - baseline} objects of the dead client`;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await manager.shutdown();
  }
}

function countLocally(tally, times) {
  for (let i = 0; i < times; i++) tally.addSync("n", 1);
}
