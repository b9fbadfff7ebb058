// Pools whose workers die inside tasks at random (process.exit, an uncaught
// error outside the task, out of memory): every task settles exactly once,
// and the pool keeps working; an executor breaks and settles every future.
import { BrokenPoolError, Pool, ProcessPoolExecutor, WorkerDiedError, task } from "multiproc";

const TASKS = new URL("../workers/pool-tasks.mjs", import.meta.url);

export async function poolWorkersDie(rng) {
  const pool = new Pool({ processes: 2, resourceLimits: { maxOldGenerationSizeMb: 32 } });
  try {
    return await settleEach(pool, rng);
  } finally {
    await pool.terminate();
  }
}

async function settleEach(pool, rng) {
  const kinds = Array.from({ length: 60 }, () => {
    const r = rng();
    return r < 0.05 ? "exit" : r < 0.1 ? "throwOutside" : r < 0.13 ? "hog" : "ok";
  });
  const outcomes = await Promise.all(
    kinds.map((kind, i) =>
      pool.apply(task(TASKS, "maybeDie"), [kind, i]).then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
    ),
  );
  for (let i = 0; i < kinds.length; i++) {
    const { value, error } = outcomes[i];
    if (kinds[i] === "ok" ? value !== i : !(error instanceof WorkerDiedError)) return `task ${i} (${kinds[i]}) settled as ${error ?? value}`;
  }
  const after = await pool.starmap(task(TASKS, "maybeDie"), [["ok", 7]]);
  return after[0] === 7 ? undefined : "the pool did not work after the deaths";
}

export async function executorBreaks(rng) {
  const ex = new ProcessPoolExecutor({ maxWorkers: 2 });
  const dying = Math.floor(rng() * 20);
  const futures = Array.from({ length: 20 }, (_, i) => ex.submit(task(TASKS, "maybeDie"), i === dying ? "exit" : "slow", i));
  const outcomes = await Promise.all(futures.map((f) => f.result({ timeout: 30_000 }).then((value) => ({ value }), (error) => ({ error }))));
  await ex.shutdown();
  for (let i = 0; i < futures.length; i++) {
    const { value, error } = outcomes[i];
    if (error && !(error instanceof BrokenPoolError)) return `future ${i} failed with ${error}`;
    if (!error && value !== i) return `future ${i} resolved to ${value}`;
  }
  return outcomes[dying].error instanceof BrokenPoolError ? undefined : "the dying task's future did not get BrokenPoolError";
}
