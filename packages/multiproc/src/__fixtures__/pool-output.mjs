// What pool workers print, as a program sees it. `node pool-output.mjs <name>`.
import { Pool, SharedArray, task } from "multiproc";

const TASKS = new URL("./tasks.mjs", import.meta.url);

const scripts = {
  /** Lines printed by tasks all reach stdout, even though the pool is terminated right after. */
  async terminate() {
    const pool = new Pool({ processes: 2 });
    await pool.map(task(TASKS, "printLine"), Array.from({ length: 200 }, (_, i) => i), { chunksize: 10 });
    await pool.terminate();
  },
  /** A synchronous task's line reaches stdout while the task still runs (the test then lets it finish). */
  async "while-running"() {
    const pool = new Pool({ processes: 1 });
    const go = new SharedArray("i", 1);
    const running = pool.apply(task(TASKS, "printThenSpin"), [go]);
    process.stdin.once("data", () => Atomics.store(go.raw, 0, 1));
    console.log(`result=${await running}`);
    process.stdin.destroy();
    await pool.terminate();
  },
};

await scripts[process.argv[2]]();
