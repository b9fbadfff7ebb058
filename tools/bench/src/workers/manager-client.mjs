// One process's round trips to a managed dict: n gets and n sets (2n calls),
// blocking (getSync/setSync) or awaited (get/set).
import { begin, end } from "./gate.mjs";

export async function roundTrips(dict, mode, n, gate, i) {
  begin(gate, i);
  if (mode === "sync") {
    for (let k = 0; k < n; k++) dict.setSync("k", dict.getSync("k") + 1);
  } else {
    for (let k = 0; k < n; k++) await dict.set("k", (await dict.get("k")) + 1);
  }
  end(gate, i);
}
