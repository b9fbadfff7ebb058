// joblib's first example, `Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(10))`,
// then a CPU-bound count of primes in batches, as generator results, and
// the same calls run in turn (nJobs: 1), as joblib's sequential mode.
import { delayed, Parallel, parallel, task } from "multiproc";

const sqrt = task(new URL("./jobs.mjs", import.meta.url), "sqrt");
const isPrime = task(new URL("./jobs.mjs", import.meta.url), "isPrime");

const roots = await new Parallel({ nJobs: 2 })(Array.from({ length: 10 }, (_, i) => delayed(sqrt)(i ** 2)));
console.log(`roots: ${roots.join(", ")}`);

// `with Parallel(n_jobs=2, return_as="generator") as parallel:` in Python; here
// `await using` (TypeScript, Node 24) or a try/finally with close().
const inOrder = new Parallel({ nJobs: 2, returnAs: "generator" });
try {
  let primes = 0;
  let seen = 0;
  const numbers = Array.from({ length: 200_000 }, (_, i) => i);
  for await (const prime of inOrder(numbers.map((n) => delayed(isPrime)(n)))) {
    seen++;
    if (prime) primes++;
  }
  console.log(`primes below 200000: ${primes} (of ${seen} numbers checked)`);
} finally {
  await inOrder.close();
}

const sequential = await parallel(sqrt, [1, 4, 9], { nJobs: 1 });
console.log(`in turn on this thread: ${sequential.join(", ")}`);
