import type { Message, ThreadStartData } from "@multiproc/core/internal";
import type { Remote } from "./remote-options.js";

/**
 * Messages between proxies and the manager thread, as items of shared-memory
 * Queues: requests go to the manager's one inbox; replies go to the caller
 * thread's own queue, which it hands over once (HELLO) and names by a
 * channel number after that (sending a queue in every request would cost a
 * revival each time). The manager drops the channel of a thread that died,
 * so a caller that dies leaves nothing behind. Replies carry the request's
 * id: one thread may have many requests out at once (async calls),
 * answered in any order.
 */

/** Manager → creator thread, at start-up: which typeids it serves. */
export const CREATE = 0; // [CREATE, id, channel, 0, typeid, args]: make an object; replies its first proxy
export const CALL = 1; // [CALL, id, channel, objectId, method, args]: call a method; replies its result
export const RELEASE = 2; // [RELEASE, 0, 0, objectId]: the last proxy of the object is gone (no reply)
export const COUNT = 3; // [COUNT, id, channel]: replies the number of live objects
export const SHUTDOWN = 4; // [SHUTDOWN, id, channel]: replies, then the manager thread ends
export const HELLO = 5; // [HELLO, id, 0, threadId, "", [replies]]: a thread's reply queue; replies its channel number

export type Request = [op: number, id: number, channel: number, objectId: number, method: string, args: unknown[]];

/** [id, ok, value or serialized error] */
export type Reply = [id: number, ok: boolean, value: unknown];

/** Words of a manager's state (a SharedArray of int32). */
export const ALIVE = 0; // 1 while the manager thread serves; 0 once it is shut down or gone
export const MANAGER_ID = 1; // tells managers apart in a thread's table of links
export const THREAD_ID = 2; // the manager thread's threadId: a caller sees it is gone even if nobody said so
export const REMOTE = 3; // 1 for a client of a remote manager: its replies take a network round trip, not worth spinning for
export const STARTED = 4; // set by the manager thread once it is about to serve (Manager() waits for it, or for the thread's end)
export const STATE_WORDS = 5;

/** The object types every manager serves, as Python's SyncManager (the primitives need no server: see manager.ts). */
export const TYPEIDS = ["dict", "list", "Namespace"] as const;
export type Typeid = (typeof TYPEIDS)[number];
/** The TYPE of a proxy of a registered type (Manager.register). */
export const CUSTOM_TYPE = 100;

/** A type registered with Manager.register: made in the manager by a task's export (a function or a class). */
export interface RegisteredType {
  readonly typeid: string;
  readonly url: string;
  readonly exportName: string;
  /** The methods a proxy may call; undefined: every public method (a name not starting with "_"), as Python's default. */
  readonly exposed: readonly string[] | undefined;
}

/**
 * A remote manager's wire (see wire.ts): the client thread sends
 * `[op, wireId, objectId, method, args]` for CREATE, CALL and COUNT, and
 * `[RELEASE, 0, objectId, "", []]` when the last local proxy of one marker it
 * received is gone; the listener replies `[wireId, ok, value or serialized
 * error]`. A connection refers only to objects it was sent proxies of.
 */
export type WireRequest = [op: number, wireId: number, objectId: number, method: string, args: unknown[]];
export type WireReply = [wireId: number, ok: boolean, value: unknown];

/** Start-up data of a remote manager client's connection thread. */
export interface RemoteThreadData {
  readonly kind: "multiproc.manager.client";
  readonly thread: ThreadStartData;
  /** toMessage of { inbox, state }: the client's own. */
  readonly link: Message;
  readonly remote: Remote;
}

export interface ManagerWorkerData {
  readonly kind: "multiproc.manager";
  readonly thread: ThreadStartData;
  /** toMessage of { inbox, state }. */
  readonly link: Message;
  /** The types registered in the starting thread when the manager started. */
  readonly types: readonly RegisteredType[];
  /** Where to serve remote clients too, if anywhere. */
  readonly remote?: Remote | undefined;
}
