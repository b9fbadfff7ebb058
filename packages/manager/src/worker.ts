import { parentPort, workerData } from "node:worker_threads";
import {
  blockOf,
  fromMessage,
  homeArena,
  isTidAlive,
  KIND,
  replaceShareables,
  restoreShareables,
  retainBlock,
  scan,
  serializeError,
  startThread,
  unbindBlock,
  undecodedOf,
  type Shareable,
} from "@multiproc/core/internal";
import { QueueEmptyError, type Queue } from "@multiproc/queue";
import { NOTHING, tryGetNowait, watchFor } from "@multiproc/queue/internal";
import type { SharedArray } from "@multiproc/shared-value";
import { newProxyBlock, typeCodeOf } from "./proxy-block.js";
import { makeProxy } from "./make-proxy.js";
import { CALL, COUNT, CREATE, HELLO, MANAGER_ID, RELEASE, SHUTDOWN, STARTED, type ManagerWorkerData, type Reply, type Request, type Typeid } from "./protocol.js";
import { serveClients, type Dispatcher } from "./remote-session.js";
import { cannotTravel } from "./wire.js";
import { createDict, dictMethods } from "./served-dict.js";
import { createList, listMethods } from "./served-list.js";
import { drop, releaseDropped } from "./held.js";
import { CustomTypes } from "./served-custom.js";
import { createNamespace, namespaceMethods } from "./served-namespace.js";

// The manager thread: owns the managed objects and serves the requests in
// its inbox, one at a time, in order (each runs to its end: no request
// waits inside the manager, so no caller can hold up another).

type Methods = Record<string, (object: never, args: unknown[]) => unknown>;

const TYPES: Record<Typeid, { create: (args: unknown[]) => unknown; methods: Methods }> = {
  dict: { create: createDict, methods: dictMethods as Methods },
  list: { create: createList, methods: listMethods as Methods },
  Namespace: { create: createNamespace, methods: namespaceMethods as Methods },
};

const data = workerData as ManagerWorkerData;
/** How long the manager waits for a request before it lets its event loop turn. */
const IDLE_SLICE_MS = 50;
/** How long it watches its inbox before it sleeps: a caller's next request often follows within microseconds, and a wake-up costs tens. */
const WATCH_MS = 0.05;
const objects = new Map<number, { typeid: string; value: unknown }>();
let nextObjectId = 1;
const custom = new CustomTypes(data.types);
/** Callers' reply queues by channel number, with the caller's threadId (a dead caller's channel is dropped). */
const channels = new Map<number, { queue: Queue<Reply>; tid: number }>();
let nextChannel = 1;

/** Drops the channels of callers that died: their queues go with them. */
function sweepChannels(): void {
  for (const [number, { queue, tid }] of channels) {
    if (isTidAlive(homeArena(), tid)) continue;
    channels.delete(number);
    unbindBlock(queue);
  }
}

function reply(to: Queue<Reply> | null, message: Reply, sent?: object): void {
  try {
    to?.putNowait(message);
  } catch (error) {
    // The caller is gone (its queue closed with its thread), or the reply cannot be sent.
    if (message[1] && !(error instanceof Error && error.name === "QueueClosedError")) {
      to?.putNowait([message[0], false, serializeError(new TypeError(`The result cannot be sent back: ${(error as Error).message}`, { cause: error }))]);
    }
  } finally {
    // The manager's own proxy of a new object lets go at once: the caller's copy (in the reply) keeps the object alive.
    if (sent) unbindBlock(sent);
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** The manager's own type `typeid` (dict, list, Namespace), if it is one. */
function builtinType(typeid: string): (typeof TYPES)[Typeid] | undefined {
  return Object.hasOwn(TYPES, typeid) ? TYPES[typeid as Typeid] : undefined;
}

/** Keeps a new object; returns the first proxy of it (which owns the object's first reference). */
function adopt(inbox: Queue<Request>, state: SharedArray<"i">, typeid: string, value: unknown): object {
  const newId = nextObjectId++;
  objects.set(newId, { typeid, value });
  return makeProxy(newProxyBlock(inbox, state, newId, typeCodeOf(builtinType(typeid) ? (typeid as Typeid) : undefined)));
}

/**
 * What a CREATE, CALL or COUNT request does: its result (for CREATE, the
 * first proxy of the new object), or a Promise of it (a registered type's
 * factory or async method). Throws for a bad request.
 */
function perform(inbox: Queue<Request>, state: SharedArray<"i">, op: number, objectId: number, method: string, args: unknown[]): unknown {
  if (op === COUNT) return objects.size;
  if (op === CREATE) {
    const typeid = method;
    const type = builtinType(typeid);
    if (type) return adopt(inbox, state, typeid, type.create(args));
    // Its factory's module is imported on first use: the result comes when it is made, other requests go on meanwhile.
    if (custom.has(typeid)) return custom.create(typeid, args).then((value) => adopt(inbox, state, typeid, value));
    throw new TypeError(`This manager serves no type "${typeid}": register it with Manager.register() before the manager starts`);
  }
  if (op !== CALL) throw new TypeError(`Unknown request ${op}`);
  const entry = objects.get(objectId);
  if (!entry) throw new ReferenceError(`The managed object ${objectId} does not exist any more`);
  const builtin = builtinType(entry.typeid);
  if (!builtin) return custom.call(entry.typeid, entry.value, method, args);
  // Own names only: a request's method name must never reach Object.prototype's (constructor, __proto__, …).
  const fn = Object.hasOwn(builtin.methods, method) ? builtin.methods[method] : undefined;
  if (!fn) throw new TypeError(`A ${entry.typeid} proxy has no method "${method}"`);
  return fn(entry.value as never, args);
}

/**
 * A request this thread could not decode (an argument of a kind whose
 * package cannot load here): its caller gets the error, the manager goes on.
 * False if `error` is not that (the inbox was closed).
 */
function refuseUndecodable(error: unknown): boolean {
  const rest = undecodedOf(error);
  if (!Array.isArray(rest) || typeof rest[1] !== "number" || typeof rest[2] !== "number") return false;
  const [op, id, channel] = rest as [number, number, number];
  if (op !== RELEASE) reply(channels.get(channel)?.queue ?? null, [id, false, serializeError(error)]);
  return true;
}

/** Serves a request from a thread of this process; false once the manager is to end. */
function serve(inbox: Queue<Request>, state: SharedArray<"i">, request: Request): boolean {
  const [op, id, channel, objectId, method, args] = request;
  if (op === HELLO) {
    const queue = args[0] as Queue<Reply>;
    const number = nextChannel++;
    channels.set(number, { queue, tid: objectId });
    reply(queue, [id, true, number]);
    return true;
  }
  const to = channels.get(channel)?.queue ?? null;
  if (op === RELEASE) {
    const entry = objects.get(objectId);
    objects.delete(objectId);
    if (entry) drop(entry.value);
    releaseDropped();
    return true;
  }
  if (op === SHUTDOWN) {
    reply(to, [id, true, undefined]);
    return false;
  }
  try {
    const result = perform(inbox, state, op, objectId, method, args);
    // A new object's first proxy: the manager's copy lets go once the reply (the caller's copy) is on its way.
    if (isThenable(result)) {
      result.then(
        (value) => reply(to, [id, true, value], op === CREATE ? (value as object) : undefined),
        (error: unknown) => reply(to, [id, false, serializeError(error)]),
      );
    } else reply(to, [id, true, result], op === CREATE ? (result as object) : undefined);
  } catch (error) {
    reply(to, [id, false, serializeError(error)]);
  }
  releaseDropped();
  return true;
}

/**
 * A copy of `value` (a result for a remote client) whose proxies are new
 * instances with references of their own: the ones inside a managed object
 * stay its own. Anything else shareable cannot go to another machine.
 */
function withOwnProxies(value: unknown): unknown {
  const dirty = scan(value, "the result");
  if (!dirty) return value;
  const shareables: Shareable[] = [];
  const copy = replaceShareables(value, dirty, shareables);
  for (const shareable of shareables) if (blockOf(shareable).kind !== KIND.ManagerProxy) throw cannotTravel(shareable, "the result");
  return restoreShareables(copy, shareables.map(ownProxy));
}

/** A new proxy instance of `proxy`'s object, owning a reference of its own. */
function ownProxy(proxy: Shareable): object {
  const block = blockOf(proxy);
  retainBlock(block);
  return makeProxy(block);
}

/** How remote clients' sessions reach the objects: directly, in this thread. */
function remoteDispatcher(inbox: Queue<Request>, state: SharedArray<"i">): Dispatcher {
  return {
    managerId: state.get(MANAGER_ID),
    request(op, objectId, method, args) {
      try {
        const result = perform(inbox, state, op, objectId, method, args);
        const own = (value: unknown) => (op === CREATE ? value : withOwnProxies(value));
        return isThenable(result) ? result.then(own) : own(result);
      } finally {
        releaseDropped(); // after the result's proxies have references of their own
      }
    },
    argument: ownProxy,
  };
}

/**
 * Lets this thread's event loop turn (its finalizers run: a shareable
 * dropped inside an object of a registered type lets go of its reference
 * then), and drops the channels of callers that died.
 */
async function turn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  lastTurn = performance.now();
  sweepChannels();
}

/** The longest the manager serves without letting its event loop turn. */
const TURN_MS = 200;
let lastTurn = 0;

/** A manager with an address yields to its event loop (its clients' sockets) at least this often while local requests keep coming. */
const REMOTE_YIELD_MS = 1;

async function main(): Promise<void> {
  await startThread(data.thread);
  const { inbox, state } = fromMessage(data.link) as { inbox: Queue<Request>; state: SharedArray<"i"> };
  Atomics.store(state.raw as Int32Array, STARTED, 1);
  Atomics.notify(state.raw as Int32Array, STARTED);
  const remote = data.remote;
  let stopServing = (): void => {};
  if (remote) {
    stopServing = serveClients(
      remote,
      remoteDispatcher(inbox, state),
      (address) => parentPort!.postMessage({ address }),
      (error) => parentPort!.postMessage({ error: serializeError(error) }),
    );
  }
  try {
    for (;;) {
      // Requests from this process's threads are taken with a blocking wait
      // (a futex wake-up takes microseconds; an async one goes through the
      // event loop, tens), in slices: when idle for a slice, and at least
      // every TURN_MS when busy, the event loop turns (see turn()). A
      // manager that serves remote clients waits asynchronously instead,
      // so their requests run as soon as they arrive.
      if (performance.now() - lastTurn > (remote ? REMOTE_YIELD_MS : TURN_MS)) await turn();
      let request: Request | typeof NOTHING;
      try {
        request = tryGetNowait(inbox);
        if (request === NOTHING && watchFor(inbox, WATCH_MS)) request = tryGetNowait(inbox);
        if (request === NOTHING) request = remote ? await inbox.get(IDLE_SLICE_MS) : inbox.getSync(IDLE_SLICE_MS);
      } catch (error) {
        if (error instanceof QueueEmptyError) {
          await turn();
          continue;
        }
        if (refuseUndecodable(error)) continue;
        return; // the inbox was closed: the manager is shut down
      }
      if (!serve(inbox, state, request)) return;
    }
  } finally {
    stopServing();
  }
}

void main();
