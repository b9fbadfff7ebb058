// Event and Barrier: three processes wait for a start signal, then work in
// phases; the Barrier keeps them in step and its action runs once per phase.
import { Barrier, Event, Process } from "multiproc";

const start = new Event();
const phases = 3;
const barrier = new Barrier(3, { action: () => console.log("  -- all 3 done with a phase --") });

const workers = [0, 1, 2].map(
  (id) =>
    new Process({
      target: async (start, barrier, id, phases) => {
        await start.wait();
        for (let phase = 1; phase <= phases; phase++) {
          const index = await barrier.wait();
          // Each generation hands out the indices 0, 1 and 2 once: index 0 reports for the phase.
          if (index === 0) console.log(`  phase ${phase} passed (process ${id} got index 0)`);
        }
      },
      args: [start, barrier, id, phases],
    }),
);
for (const p of workers) p.start();
console.log("workers started; setting the start event");
start.set();
for (const p of workers) await p.join();
console.log(`done: ${phases} phases, exit codes ${workers.map((p) => p.exitCode).join(" ")}`);
