import { deserializeError, homeArena, isTidAlive, undecodedOf } from "@multiproc/core/internal";
import { Queue, QueueClosedError, QueueEmptyError } from "@multiproc/queue";
import { NOTHING, tryGetNowait, watchFor } from "@multiproc/queue/internal";
import type { SharedArray } from "@multiproc/shared-value";
import { ManagerClosedError } from "./errors.js";
import { threadId } from "node:worker_threads";
import { ALIVE, HELLO, REMOTE, THREAD_ID, type Reply, type Request } from "./protocol.js";

/** How often a caller waiting for a reply looks whether the manager is still there (it may have ended without a word). */
const RECHECK_MS = 100;
/**
 * How long a caller watches for its reply before it sleeps: a local manager
 * answers a dict or list call within microseconds; a remote one takes a
 * network round trip (tens of microseconds at best), during which a
 * spinning caller would only take a core from the threads that carry it.
 */
const WATCH_MS = 0.1;
const REMOTE_WATCH_MS = 0;

/**
 * This thread's way to one manager: its inbox, its state, and the queue
 * the replies to this thread come back on. One link per manager per
 * thread, shared by every proxy of that manager here.
 */
export class Link {
  readonly #inbox: Queue<Request>;
  readonly #state: SharedArray<"i">;
  readonly #replies = new Queue<Reply>();
  readonly #watchMs: number;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #nextId = 1;
  #pumping = false;
  /** This thread's channel number at the manager, once it has said hello. */
  #channel = 0;

  constructor(inbox: Queue<Request>, state: SharedArray<"i">) {
    this.#inbox = inbox;
    this.#state = state;
    this.#watchMs = state.get(REMOTE) === 1 ? REMOTE_WATCH_MS : WATCH_MS;
  }

  get state(): SharedArray<"i"> {
    return this.#state;
  }

  /** The manager serves: not shut down, and its thread (and every ancestor of it) alive. */
  get alive(): boolean {
    const words = this.#state.raw as Int32Array;
    return Atomics.load(words, ALIVE) === 1 && isTidAlive(homeArena(), Atomics.load(words, THREAD_ID));
  }

  /** Sends a request and waits for its reply, blocking this thread. */
  requestSync(op: number, objectId: number, method: string, args: unknown[]): unknown {
    return this.#await(this.#send(op, objectId, method, args));
  }

  /** The HELLO exchange: this thread's reply queue goes to the manager, its channel number comes back. */
  #hello(): number {
    const id = this.#nextId++;
    try {
      this.#inbox.putNowait([HELLO, id, 0, threadId, "", [this.#replies]]);
    } catch (error) {
      if (error instanceof QueueClosedError) throw closed();
      throw error;
    }
    return this.#await(id) as number;
  }

  /** Waits for the reply to request `id`, blocking this thread; other replies settle their promises. */
  #await(id: number): unknown {
    if (this.#watchMs > 0) watchFor(this.#replies, this.#watchMs);
    for (;;) {
      let reply: Reply;
      try {
        const ready = tryGetNowait(this.#replies);
        reply = ready === NOTHING ? this.#replies.getSync(RECHECK_MS) : ready;
      } catch (error) {
        if (!(error instanceof QueueEmptyError)) {
          // A reply this thread cannot decode: the request it answers fails with that error.
          const lost = answered(error);
          if (lost === undefined || lost === id) throw error;
          this.#fail(lost, error);
          continue;
        }
        this.#checkAlive();
        continue;
      }
      if (reply[0] === id) return outcome(reply);
      this.#settle(reply); // an async request's reply: its promise settles when this thread is free
    }
  }

  /** Sends a request; the promise settles with its reply. */
  request(op: number, objectId: number, method: string, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#send(op, objectId, method, args);
      this.#pending.set(id, { resolve, reject });
      if (!this.#pumping) void this.#pump();
    });
  }

  /** A message that needs no reply (a release); dropped if the manager is gone. */
  post(message: Request): void {
    try {
      if (this.alive) this.#inbox.putNowait(message);
    } catch {
      // The manager ended meanwhile: it holds nothing any more.
    }
  }

  #send(op: number, objectId: number, method: string, args: unknown[]): number {
    this.#checkAlive();
    if (this.#channel === 0) this.#channel = this.#hello();
    const id = this.#nextId++;
    try {
      this.#inbox.putNowait([op, id, this.#channel, objectId, method, args]);
    } catch (error) {
      if (error instanceof QueueClosedError) throw closed();
      throw error; // an unsendable argument: TypeError naming where it sits
    }
    return id;
  }

  /** Reads replies while async requests are out (its wait keeps Node alive until they are answered). */
  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#pending.size > 0) {
        try {
          if (this.#watchMs > 0) watchFor(this.#replies, this.#watchMs);
          const ready = tryGetNowait(this.#replies);
          this.#settle(ready === NOTHING ? await this.#replies.get(RECHECK_MS) : ready);
        } catch (error) {
          if (!(error instanceof QueueEmptyError)) {
            const lost = answered(error);
            if (lost === undefined) throw error;
            this.#fail(lost, error);
            continue;
          }
          if (!this.alive) {
            for (const { reject } of this.#pending.values()) reject(closed());
            this.#pending.clear();
          }
        }
      }
    } finally {
      this.#pumping = false;
    }
  }

  #fail(id: number, error: unknown): void {
    this.#pending.get(id)?.reject(error);
    this.#pending.delete(id);
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply[0]);
    if (!waiter) return;
    this.#pending.delete(reply[0]);
    try {
      waiter.resolve(outcome(reply));
    } catch (error) {
      waiter.reject(error);
    }
  }

  #checkAlive(): void {
    if (!this.alive) throw closed();
  }
}

function outcome(reply: Reply): unknown {
  if (reply[1]) return reply[2];
  throw deserializeError(reply[2] as never);
}

/** Which request a reply that could not be decoded answered (its id, from what the codec decoded of it), if that is known. */
function answered(error: unknown): number | undefined {
  const rest = undecodedOf(error);
  return Array.isArray(rest) && typeof rest[0] === "number" ? rest[0] : undefined;
}

function closed(): ManagerClosedError {
  return new ManagerClosedError("The manager was shut down: its proxies cannot be used any more");
}

/** This thread's links, by manager id. */
const links = new Map<number, Link>();

/** The link to manager `id`, made on first use in this thread from what `open` revives. */
export function linkOf(id: number, open: () => { inbox: Queue<Request>; state: SharedArray<"i"> }): Link {
  let link = links.get(id);
  if (!link || !link.alive) {
    const { inbox, state } = open();
    link = new Link(inbox, state);
    if (link.alive) links.set(id, link);
    else links.delete(id); // a manager that ended: nothing to keep
  }
  return link;
}
