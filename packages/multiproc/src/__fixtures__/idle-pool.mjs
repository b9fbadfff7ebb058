// A Pool and an executor that ran tasks and were never closed: once nothing
// is outstanding they must not keep Node alive (the pool's result reader
// stays parked on its queue, unreferenced), and a task given to them after
// they sat idle still runs. The test sees this script end by itself.
import { Pool, ProcessPoolExecutor, task } from "multiproc";

const printLine = task(new URL("./tasks.mjs", import.meta.url), "printLine");
const pool = new Pool({ processes: 2 });
const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
await pool.apply(printLine, [1]);
await executor.submit(printLine, 2).result();
await new Promise((resolve) => setTimeout(resolve, 100)); // both idle, their readers parked
await pool.apply(printLine, [3]);
await executor.submit(printLine, 4).result();
console.log("done");
