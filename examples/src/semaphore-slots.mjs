// A Semaphore as a pool of slots: six processes, at most two inside the
// section at once; each records how many were inside when it entered.
import { Process, Semaphore } from "multiproc";

const slots = new Semaphore(2);
const inside = new Int32Array(new SharedArrayBuffer(8)); // [0] inside now, [1] most ever

const processes = Array.from(
  { length: 6 },
  (_, id) =>
    new Process({
      target: async (slots, inside, id) => {
        await slots.withLock(async () => {
          const now = Atomics.add(inside, 0, 1) + 1;
          for (let seen = Atomics.load(inside, 1); now > seen; seen = Atomics.load(inside, 1)) Atomics.compareExchange(inside, 1, seen, now);
          await new Promise((resolve) => setTimeout(resolve, 20)); // some work in the slot
          Atomics.sub(inside, 0, 1);
        });
      },
      args: [slots, inside, id],
    }),
);
for (const p of processes) p.start();
for (const p of processes) await p.join();
console.log(`6 processes used 2 slots; at most ${inside[1]} inside at once; slots free again: ${slots.getValue()}`);
