export interface RedisServer {
  /** ioredis / BullMQ connection options: the unix socket. */
  readonly connection: { path: string };
  readonly dir: string;
  readonly pid: number | undefined;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}
export declare function redisServerBinary(): string;
export declare function redisCommand(path: string, command: string): Promise<string>;
export declare function startRedis(options?: { aof?: boolean; appendfsync?: "always" | "everysec" | "no" }): Promise<RedisServer>;
