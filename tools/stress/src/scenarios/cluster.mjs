// @multiproc/cluster under fault: a 20k-task burst sent right after the
// client starts, with an event stream only a few times the jobs in flight,
// while one of the two worker processes is SIGKILLed at a random instant and
// replaced. Every future must settle exactly once with its own value (at
// least once delivery: a killed worker's jobs run again elsewhere).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { task } from "multiproc";
import { ClusterExecutor } from "@multiproc/cluster";
import { startRedis } from "@multiproc/test-utils/redis";

const CLI = fileURLToPath(new URL("./cli.js", import.meta.resolve("@multiproc/cluster")));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ECHO = task(new URL("../workers/cluster-tasks.mjs", import.meta.url), "echo");

async function startWorker(path) {
  const args = [CLI, "--redis", path, "--threads", "1", "--concurrency", "8", "--root", ROOT, "--lock-duration", "1000", "--stalled-interval", "500", "--max-stalled", "3"];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  await once(createInterface({ input: child.stdout }), "line");
  return { child, exited };
}

export function burstWithWorkerKilled(tasks) {
  return async (rng) => {
    const redis = await startRedis();
    const workers = [];
    try {
      workers.push(await startWorker(redis.connection.path), await startWorker(redis.connection.path));
      const executor = new ClusterExecutor({ connection: redis.connection, maxInFlight: 500, maxLenEvents: 10_000 });
      try {
        const futures = Array.from({ length: tasks }, (_, i) => executor.submit(ECHO, i));
        // The kill comes after a random share of the burst has settled.
        const killAfter = Math.floor(rng() * tasks * 0.8);
        let settled = 0;
        const killed = new Promise((resolve) => {
          for (const future of futures) {
            future.addDoneCallback(() => {
              if (++settled === killAfter) resolve();
            });
          }
        });
        await killed;
        workers[0].child.kill("SIGKILL");
        await workers[0].exited;
        workers.push(await startWorker(redis.connection.path));
        const outcomes = await Promise.allSettled(futures.map((future) => future.result()));
        const wrong = outcomes.findIndex((outcome, i) => outcome.status !== "fulfilled" || outcome.value !== i);
        if (wrong >= 0) return `future ${wrong} settled as ${JSON.stringify(outcomes[wrong].status === "fulfilled" ? outcomes[wrong].value : String(outcomes[wrong].reason))}`;
        return undefined;
      } finally {
        await executor.shutdown();
      }
    } finally {
      for (const { child } of workers) child.kill("SIGKILL");
      await Promise.all(workers.map(({ exited }) => exited));
      await redis.stop();
    }
  };
}
