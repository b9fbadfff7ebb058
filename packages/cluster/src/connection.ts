import { Redis, type RedisOptions } from "ioredis";
import { describe } from "@multiproc/core/internal";

/**
 * Where Redis is: a URL (`redis://host:6379`, `rediss://…` for TLS, with a
 * password in it if Redis asks for one), or ioredis options (`{ host, port,
 * password }`, `{ path }` for a unix socket). Default: the
 * `MULTIPROC_REDIS_URL` environment variable, as Ray's `RAY_ADDRESS`.
 */
export type RedisConnection = string | RedisOptions;

/** The connection to use: the option, or MULTIPROC_REDIS_URL; a TypeError saying what to set when there is neither. */
export function connectionOf(connection: RedisConnection | undefined, what: string): RedisConnection {
  const chosen = connection ?? process.env.MULTIPROC_REDIS_URL;
  if (chosen === undefined || chosen === "") {
    throw new TypeError(`${what} needs Redis: pass \`connection\` (a redis:// URL or ioredis options) or set MULTIPROC_REDIS_URL`);
  }
  if (typeof chosen !== "string" && (typeof chosen !== "object" || chosen === null || Array.isArray(chosen))) {
    throw new TypeError(`Expected ${what}'s \`connection\` to be a redis:// URL or ioredis options, got ${describe(chosen)}`);
  }
  return chosen;
}

/**
 * A new ioredis client. `failFast`: commands fail at once while Redis is
 * down (a producer's submit rejects promptly instead of hanging: BullMQ's
 * "failing fast" advice); otherwise they wait for the reconnect (workers and
 * event readers, whose blocking commands need `maxRetriesPerRequest: null`).
 */
export function createClient(connection: RedisConnection, failFast: boolean): Redis {
  const options: RedisOptions = failFast ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null };
  // (ioredis' option types do not allow undefined under exactOptionalPropertyTypes: hence the casts.)
  const client = typeof connection === "string" ? new Redis(connection, options as never) : new Redis({ ...connection, ...options } as never);
  client.on("error", () => {}); // reported through the calls that fail; ioredis reconnects by itself
  return client;
}

/** How long a client waits for Redis before a call fails (a producer must not hang while Redis is down). */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Resolves once `client` is connected. Rejects with what went wrong at the
 * first connection error (Redis refused or is not there: a client starting
 * now fails promptly rather than retrying in the background), or when
 * Redis has not answered within CONNECT_TIMEOUT_MS.
 */
export function connected(client: Redis, where: string): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off("ready", onReady);
      client.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: Error) => done(new Error(`Cannot reach Redis (${where}): ${error.message}`, { cause: error }));
    const timer = setTimeout(() => done(new Error(`Cannot reach Redis (${where}): no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    client.once("ready", onReady);
    client.on("error", onError);
  });
}

/** How long closing waits by default for BullMQ to let go of a connection before the connection is dropped anyway. */
const CLOSE_GRACE_MS = 2_000;

/**
 * Closes BullMQ objects (`closers`), then the ioredis clients made for
 * them, without ever hanging on Redis. BullMQ never closes a client it was
 * given, and its close waits for the client's "end" event, which ioredis 6
 * never emits for a client disconnected while it reconnects (BullMQ's notes
 * call this ioredis #4585): so with a client not ready the clients are
 * dropped first and BullMQ's close is not awaited, and otherwise BullMQ
 * gets `graceMs`.
 */
export async function closeAll(closers: (() => Promise<unknown>)[], clients: Redis[], graceMs = CLOSE_GRACE_MS): Promise<void> {
  if (clients.every((client) => client.status === "ready")) {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.allSettled(closers.map((close) => close())), grace]);
    clearTimeout(timer);
    for (const client of clients) client.disconnect();
  } else {
    for (const client of clients) client.disconnect();
    for (const close of closers) close().catch(() => {});
  }
}
