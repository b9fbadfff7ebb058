// Adds n to a plain (non-atomic) shared counter under a lock: a multiproc
// Lock, or an Int32Array used as a raw futex lock.
import { rawLock, rawUnlock } from "../raw-mutex.mjs";
import { begin, end } from "./gate.mjs";

export function count(lock, cell, n, gate, i) {
  begin(gate, i);
  if (lock instanceof Int32Array) {
    for (let k = 0; k < n; k++) {
      rawLock(lock, 0);
      cell[0] = cell[0] + 1;
      rawUnlock(lock, 0);
    }
  } else {
    for (let k = 0; k < n; k++) {
      lock.acquireSync();
      cell[0] = cell[0] + 1;
      lock.release();
    }
  }
  end(gate, i);
}
