/**
 * Waits until `progress` (a SharedArray) holds at least `n` at `slot`. A
 * pending Atomics.waitAsync does not keep Node alive: if the worker that
 * would bump the count exits first, Node would end the scenario's process
 * with exit code 13 (an unsettled top-level await), so a timer holds it open.
 */
export async function until(progress, slot, n) {
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    while (progress.get(slot) < n) await Atomics.waitAsync(progress.raw, slot, progress.get(slot), 50).value;
  } finally {
    clearInterval(keepAlive);
  }
}
