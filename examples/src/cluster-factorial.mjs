// The factorial fan-out across machines: a ClusterPool (Python's Pool, as
// Ray's) sends the tasks through a Redis to two `multiproc-worker` processes
// (here on this host; on others, the same command with a redis:// URL). The example starts its own
// redis-server on a unix socket, and says so and stops when there is none.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { task } from "multiproc";
import { ClusterPool } from "@multiproc/cluster";

let redisServer;
try {
  redisServer = execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
} catch {
  console.log("cluster example skipped: redis-server is not installed (apt-get install redis-server)");
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "multiproc-example-"));
const socket = join(dir, "redis.sock");
const children = [];

/** Resolves once something answers on the unix socket (Redis is up). */
async function reachable(path) {
  for (let tries = 0; tries < 100; tries++) {
    const ok = await new Promise((resolve) => connect({ path }).on("connect", function () { this.destroy(); resolve(true); }).on("error", () => resolve(false)));
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("redis-server did not start");
}

try {
  // Redis: no TCP port, no persistence (a demo), no eviction of queued jobs.
  children.push(spawn(redisServer, ["--port", "0", "--unixsocket", socket, "--save", "", "--dir", dir, "--maxmemory-policy", "noeviction"], { stdio: "ignore" }));
  await reachable(socket);

  // Two workers, as on two hosts: each prints one JSON line once it serves.
  const cli = fileURLToPath(new URL("./cli.js", import.meta.resolve("@multiproc/cluster")));
  const root = fileURLToPath(new URL("..", import.meta.url)); // the project root task paths are relative to
  const pids = await Promise.all(
    [1, 2].map(async () => {
      const worker = spawn(process.execPath, [cli, "--redis", socket, "--root", root, "--threads", "1"], { stdio: ["ignore", "pipe", "inherit"] });
      children.push(worker);
      const [line] = await once(createInterface({ input: worker.stdout }), "line");
      return JSON.parse(line).pid;
    }),
  );

  const digits = task(new URL("./jobs.mjs", import.meta.url), "factorialDigits");
  const numbers = Array.from({ length: 200 }, (_, i) => 10 * (i + 1)); // 10! … 2000!
  const pool = new ClusterPool({ connection: { path: socket } });
  try {
    const results = await pool.map(digits, numbers); // in chunks: about four per worker process
    console.log(`cluster: ${results.length} factorials on ${pids.length} worker processes; 2000! has ${results.at(-1)} digits`);
  } finally {
    pool.close();
    await pool.join();
  }
} finally {
  for (const child of children.reverse()) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM"); // workers finish what they hold; Redis exits
      await once(child, "exit");
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
