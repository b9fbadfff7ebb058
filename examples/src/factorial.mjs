// Fan-out with Process: each factorial runs on its own thread, as in
// Python's `Process(target=f, args=(n,)).start()` examples.
import { Process, task } from "multiproc";

const numbers = [10, 20, 30, 40];

// A task reference: the worker imports ./jobs.mjs and calls its `factorial` export.
const processes = numbers.map((n) => new Process({ target: task(new URL("./jobs.mjs", import.meta.url), "factorial"), args: [n] }));
for (const p of processes) p.start();
for (const p of processes) await p.join();

// A self-contained function works too: it is sent as source.
const p = new Process({
  target: (n) => {
    let result = 1n;
    for (let i = 2n; i <= BigInt(n); i++) result *= i;
    console.log(`[${n}] by value: ${n}! has ${String(result).length} digits`);
  },
  args: [100],
});
p.start();
await p.join();

console.log(`exit codes: ${[...processes, p].map((q) => q.exitCode).join(" ")}`);
