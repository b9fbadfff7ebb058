// The factorial fan-out on a Pool and on a ProcessPoolExecutor, as Python's
// `Pool.map` and `executor.map` examples, with a progress bar.
import { asCompleted, Pool, ProcessPoolExecutor, task } from "multiproc";

const digits = task(new URL("./jobs.mjs", import.meta.url), "factorialDigits");
const numbers = Array.from({ length: 200 }, (_, i) => 10 * (i + 1)); // 10! … 2000!

function bar(done, total) {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total}`;
}

// (`await using pool = new Pool()` does this in TypeScript or on Node 24.)
const pool = new Pool({ processes: 2 });
try {
  const progress = [];
  const results = await pool.map(digits, numbers, { chunksize: 20, onProgress: (done, total) => progress.push(bar(done, total)) });
  for (const line of progress) console.log(`Pool.map ${line}`);
  console.log(`Pool.map: ${results.length} factorials; 2000! has ${results.at(-1)} digits`);
} finally {
  await pool.terminate();
}

const executor = new ProcessPoolExecutor({ maxWorkers: 2 });
try {
  const futures = numbers.slice(0, 20).map((n) => executor.submit(digits, n));
  let done = 0;
  for await (const future of asCompleted(futures)) {
    await future;
    done++;
    if (done % 5 === 0) console.log(`executor ${bar(done, futures.length)}`);
  }
  const first = await futures[0];
  console.log(`executor: ${futures.length} futures done; 10! has ${first} digits`);
} finally {
  await executor.shutdown();
}
