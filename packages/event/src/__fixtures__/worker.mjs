// Event and Barrier scenarios in a worker; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const scenarios = {
  waitEvent: async ({ event, woken, mode }) => {
    const set = mode === "async" ? await event.wait({ timeout: 20_000 }) : event.waitSync({ timeout: 20_000 });
    if (set) Atomics.add(woken, 0, 1);
    return set;
  },
  // Passes the barrier `generations` times; marks seen[generation * parties + index].
  rounds: async ({ barrier, seen, generations, mode, actions }) => {
    globalThis.barrierActions = actions;
    for (let g = 0; g < generations; g++) {
      const index = mode === "async" ? await barrier.wait({ timeout: 20_000 }) : barrier.waitSync({ timeout: 20_000 });
      Atomics.add(seen, g * barrier.parties + index, 1);
    }
  },
  waitBarrier: async ({ barrier, mode }) => (mode === "async" ? barrier.wait({ timeout: 20_000 }) : barrier.waitSync({ timeout: 20_000 })),
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
