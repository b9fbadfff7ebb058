// SharedValue and SharedArray, as Python's Value/Array examples: four
// processes count into one value (under its lock, and atomically) and each
// writes its own slice of a shared array.
import { Process, SharedArray, SharedValue } from "multiproc";

const counter = new SharedValue("i", 0);
const atomic = new SharedValue("i", 0, { lock: false });
const squares = new SharedArray("d", 8);

const processes = [0, 1, 2, 3].map(
  (id) =>
    new Process({
      target: (counter, atomic, squares, id) => {
        for (let i = 0; i < 10_000; i++) {
          counter.getLock().withLockSync(() => {
            counter.value += 1; // read-modify-write: needs the lock
          });
          atomic.add(1); // one atomic step: no lock needed
        }
        for (const i of [2 * id, 2 * id + 1]) squares.set(i, i * i);
      },
      args: [counter, atomic, squares, id],
    }),
);
for (const p of processes) p.start();
for (const p of processes) await p.join();
console.log(`locked counter: ${counter.value}, atomic counter: ${atomic.value} (expected 40000 each)`);
console.log(`squares: ${squares.toArray().join(", ")}`);
