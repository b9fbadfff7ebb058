// Increments a shared value n times: atomically (SharedValue.add or raw
// Atomics.add), or as Python's `with v.get_lock(): v.value += 1`.
import { begin, end } from "./gate.mjs";

export function count(value, mode, n, gate, i) {
  begin(gate, i);
  if (mode === "raw") {
    for (let k = 0; k < n; k++) Atomics.add(value, 0, 1);
  } else if (mode === "add") {
    for (let k = 0; k < n; k++) value.add(1);
  } else {
    const lock = value.getLock();
    for (let k = 0; k < n; k++) {
      lock.acquireSync();
      value.value += 1;
      lock.release();
    }
  }
  end(gate, i);
}
