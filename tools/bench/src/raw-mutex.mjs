// The raw baseline for the lock workloads: Drepper's three-state futex mutex
// with a read-spin before sleeping, as core's lockMutex, but without the
// critical-section guard that lets multiproc stop a worker safely.
const SPIN_READS = 1000;

export function rawLock(words, index) {
  let state = Atomics.compareExchange(words, index, 0, 1);
  if (state === 0) return;
  for (let spin = 0; spin < SPIN_READS; spin++) {
    if (Atomics.load(words, index) !== 0) continue;
    state = Atomics.compareExchange(words, index, 0, 1);
    if (state === 0) return;
  }
  if (state !== 2) state = Atomics.exchange(words, index, 2);
  while (state !== 0) {
    Atomics.wait(words, index, 2);
    state = Atomics.exchange(words, index, 2);
  }
}

export function rawUnlock(words, index) {
  if (Atomics.exchange(words, index, 0) === 2) Atomics.notify(words, index, 1);
}
