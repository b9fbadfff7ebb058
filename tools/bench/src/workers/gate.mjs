// The worker side of runWorkers: wait for the common start, and record times
// on a clock every thread shares (ms since the epoch).
export function begin({ control, times }, i) {
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
  while (Atomics.load(control, 1) === 0) Atomics.wait(control, 1, 0);
  times[2 * i] = performance.timeOrigin + performance.now();
}

export function end({ times }, i) {
  times[2 * i + 1] = performance.timeOrigin + performance.now();
}
