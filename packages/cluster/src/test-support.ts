// Worker processes for the tests: the built multiproc-worker CLI, as on other hosts.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { startRedis, type RedisServer } from "@multiproc/test-utils/redis";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const JOBS = new URL("./__fixtures__/jobs.mjs", import.meta.url);

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<unknown>;
}

/** Every worker process spawned and not yet exited, ready or not (a test may end while one starts). */
const started = new Set<{ child: ChildProcess; exited: Promise<unknown> }>();
process.on("exit", () => {
  for (const { child } of started) child.kill("SIGKILL");
});

/** Starts `multiproc-worker` on `redis` (one pool thread, 2 jobs at once, short locks) and resolves once it serves. */
export async function startWorkerProcess(redis: RedisServer, queue: string, extra: string[] = []): Promise<WorkerProcess> {
  const args = [CLI, "--redis", redis.connection.path, "--queue", queue, "--threads", "1", "--concurrency", "2", "--root", ROOT];
  args.push("--lock-duration", "1000", "--stalled-interval", "500", ...extra);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const entry = { child, exited };
  started.add(entry);
  void exited.then(() => started.delete(entry));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    void exited.then(([code]) => reject(new Error(`multiproc-worker exited (${String(code)}) before it served`)));
  });
  const { ready, pid } = JSON.parse(line) as { ready: boolean; pid: number };
  if (!ready) throw new Error(`multiproc-worker said ${line}`);
  return { child, pid, exited };
}

/** SIGKILLs every worker process still running and waits for their exits. */
export async function killWorkerProcesses(): Promise<void> {
  const all = [...started];
  for (const { child } of all) child.kill("SIGKILL");
  await Promise.all(all.map((w) => w.exited));
}

/**
 * A unix socket the tasks report to (the `reportAndSleep` fixture writes
 * its process id when it starts): `next()` resolves the pid of the next
 * task that started, so a test acts at that instant without sleeping.
 */
export async function startReports(): Promise<{ path: string; next(): Promise<number>; count(): number; close(): void }> {
  const path = join(tmpdir(), `multiproc-reports-${process.pid}-${Date.now()}.sock`);
  const arrived: number[] = [];
  let count = 0;
  const waiting: ((pid: number) => void)[] = [];
  const server = createServer((socket: Socket) => {
    let text = "";
    socket.on("data", (chunk) => (text += chunk));
    socket.on("end", () => {
      const pid = Number(text);
      count++;
      const waiter = waiting.shift();
      if (waiter) waiter(pid);
      else arrived.push(pid);
    });
  });
  server.listen(path);
  await once(server, "listening");
  return {
    path,
    next: () => (arrived.length > 0 ? Promise.resolve(arrived.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    /** Reports received so far (taken by next() or not). */
    count: () => count,
    close: () => server.close(),
  };
}

/**
 * A redis-server for the calling test file: started before its tests,
 * stopped after them together with every worker process they started.
 * Returns a getter (the server exists once beforeAll has run).
 */
export function redisForThisFile(): () => RedisServer {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  }, 60_000);
  afterAll(async () => {
    await killWorkerProcesses();
    await redis?.stop();
  });
  return () => redis!;
}
