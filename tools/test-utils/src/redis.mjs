// A real redis-server for tests (never a mock): one per test file, on a
// unix socket in a temp dir (no port to race for; `--port 0` turns TCP
// off), always stopped, by PID if it does not stop when asked.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
/** Servers still running: killed when this process exits, whatever the way. */
const running = new Set();
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** The redis-server binary; throws with what to do when there is none. */
export function redisServerBinary() {
  try {
    return execFileSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("redis-server is not installed: `apt-get install redis-server` (Debian), or `.ci/run`, which installs it when it is missing");
  }
}

/** Sends one command (RESP inline) on the unix socket `path`; resolves the server's first reply line. */
export function redisCommand(path, command) {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let reply = "";
    socket.on("error", reject);
    socket.on("data", (chunk) => {
      reply += chunk;
      const end = reply.indexOf("\r\n");
      if (end >= 0) {
        socket.destroy();
        resolve(reply.slice(0, end));
      }
    });
    socket.on("close", () => resolve(reply)); // SHUTDOWN closes without a reply
    socket.write(`${command}\r\n`);
  });
}

/**
 * Starts redis-server on a unix socket in a new temp dir and resolves once
 * it answers PING. `aof`: append-only persistence (`appendfsync` everysec
 * by default, as production; "always" for tests that must not lose a write).
 * Returns its `connection` ({ path }, for ioredis and BullMQ), its `pid`,
 * and `kill()` (SIGKILL, as a crash), `restart()` (after a kill, on the
 * same dir and socket: with AOF it reloads its data), `stop()` (SHUTDOWN
 * NOSAVE, then SIGKILL by PID; removes the dir).
 */
export async function startRedis({ aof = false, appendfsync = "everysec" } = {}) {
  const binary = redisServerBinary();
  const dir = mkdtempSync(join(tmpdir(), "multiproc-redis-"));
  const path = join(dir, "redis.sock");
  const args = ["--port", "0", "--unixsocket", path, "--unixsocketperm", "700", "--save", "", "--dir", dir, "--daemonize", "no"];
  args.push("--appendonly", aof ? "yes" : "no", "--appendfsync", appendfsync, "--maxmemory-policy", "noeviction");
  let child;
  let exited;

  async function start() {
    child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    running.add(child);
    const self = child;
    exited = once(child, "exit").then(() => running.delete(self));
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited at start: ${stderr.trim() || `code ${child.exitCode}`}`);
      const pong = await redisCommand(path, "PING").catch(() => "");
      if (pong === "+PONG") return;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not answer PING within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20)); // polling a server's start-up, not timing a test
    }
  }

  await start();
  return {
    connection: { path },
    dir,
    get pid() {
      return child.pid;
    },
    /** SIGKILL, as a crash: nothing is saved beyond what AOF has written. */
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    /** Starts it again on the same dir and socket (after kill() or stop-less crash). */
    async restart() {
      if (running.has(child)) throw new Error("redis-server is still running: kill() it first");
      await start();
    },
    /** Stops it (SHUTDOWN NOSAVE, then SIGKILL by PID) and removes its dir. Safe to call twice. */
    async stop() {
      if (running.has(child)) {
        await redisCommand(path, "SHUTDOWN NOSAVE").catch(() => {});
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
