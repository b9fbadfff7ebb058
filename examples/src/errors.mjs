// What a caller sees when the target fails, like Python's exitcode and traceback.
import { Process, task } from "multiproc";

const p = new Process({ target: task(new URL("./jobs.mjs", import.meta.url), "fail"), args: ["n must be positive"] });
p.start();
await p.join();
console.log(`exit code ${p.exitCode}: ${p.error.name}: ${p.error.message}`);

const busy = new Process({
  target: () => {
    for (;;);
  },
});
busy.start();
await busy.join(100); // returns after 100 ms, like Python's join(timeout)
console.log(`still alive after join(100): ${busy.isAlive()}`);
await busy.terminate();
console.log(`after terminate(): exit code ${busy.exitCode}`);
