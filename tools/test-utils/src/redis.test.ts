import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { redisCommand, startRedis } from "@multiproc/test-utils/redis";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startRedis", () => {
  it("starts a real redis-server on a unix socket and stops it, leaving nothing behind", async () => {
    const redis = await startRedis();
    const pid = redis.pid!;
    expect(await redisCommand(redis.connection.path, "PING")).toBe("+PONG");
    expect(await redisCommand(redis.connection.path, "CONFIG GET maxmemory-policy")).toBe("*2");
    expect(alive(pid)).toBe(true);
    await redis.stop();
    await redis.stop(); // twice is fine
    expect(alive(pid)).toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
  });

  it("kill() is a crash: without persistence a restarted server has lost its data; with AOF it has it", async () => {
    const plain = await startRedis();
    const durable = await startRedis({ aof: true, appendfsync: "always" });
    try {
      for (const redis of [plain, durable]) {
        expect(await redisCommand(redis.connection.path, "SET k v")).toBe("+OK");
        await redis.kill();
        await expect(redis.restart()).resolves.toBeUndefined();
      }
      expect(await redisCommand(plain.connection.path, "GET k")).toBe("$-1");
      expect(await redisCommand(durable.connection.path, "GET k")).toBe("$1");
    } finally {
      await plain.stop();
      await durable.stop();
    }
  });
});
