// Runs a task on `count` Processes that start together (a shared flag) and
// time themselves, so start-up and exit are not part of the measurement.
// The task is called as task(...args(i), gate, i) and must call
// `gate.begin(i)` before its timed loop and `gate.end(i)` after it (see gate.mjs).
import { Process } from "multiproc";

export async function runWorkers(target, count, args, opsPerWorker) {
  const control = new Int32Array(new SharedArrayBuffer(8)); // [0] ready count, [1] go
  const times = new Float64Array(new SharedArrayBuffer(16 * count));
  const processes = Array.from({ length: count }, (_, i) => new Process({ target, args: [...args(i), { control, times }, i] }));
  for (const p of processes) p.start();
  while (Atomics.load(control, 0) < count) await Atomics.waitAsync(control, 0, Atomics.load(control, 0), 1000).value;
  Atomics.store(control, 1, 1);
  Atomics.notify(control, 1);
  for (const p of processes) await p.join();
  const failed = processes.find((p) => p.exitCode !== 0);
  if (failed) throw new Error(`a benchmark worker failed (exit ${failed.exitCode})`, { cause: failed.error });
  const starts = [];
  const ends = [];
  for (let i = 0; i < count; i++) {
    starts.push(times[2 * i]);
    ends.push(times[2 * i + 1]);
  }
  return { ops: opsPerWorker * count, ms: Math.max(...ends) - Math.min(...starts) };
}
