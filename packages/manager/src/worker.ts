import { workerData } from "node:worker_threads";
import { fromMessage, homeArena, isTidAlive, serializeError, startThread, unbindBlock } from "@multiproc/core/internal";
import { QueueEmptyError, type Queue } from "@multiproc/queue";
import { NOTHING, tryGetNowait, watchFor } from "@multiproc/queue/internal";
import type { SharedArray } from "@multiproc/shared-value";
import { newProxyBlock, typeCodeOf } from "./proxy-block.js";
import { makeProxy } from "./make-proxy.js";
import { CALL, COUNT, CREATE, HELLO, RELEASE, SHUTDOWN, type ManagerWorkerData, type Reply, type Request, type Typeid } from "./protocol.js";
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

/** Keeps a new object and replies with the first proxy of it. */
function adopt(inbox: Queue<Request>, state: SharedArray<"i">, to: Queue<Reply> | null, id: number, typeid: string, value: unknown): void {
  const newId = nextObjectId++;
  objects.set(newId, { typeid, value });
  const proxy = makeProxy(newProxyBlock(inbox, state, newId, typeCodeOf(TYPES[typeid as Typeid] ? (typeid as Typeid) : undefined)));
  reply(to, [id, true, proxy], proxy);
}

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
    if (op === COUNT) reply(to, [id, true, objects.size]);
    else if (op === CREATE) {
      const typeid = method;
      const type = TYPES[typeid as Typeid];
      if (type) adopt(inbox, state, to, id, typeid, type.create(args));
      else if (custom.has(typeid)) {
        // Its factory's module is imported on first use: the reply comes when it is made, other requests go on meanwhile.
        custom.create(typeid, args).then(
          (value) => adopt(inbox, state, to, id, typeid, value),
          (error: unknown) => reply(to, [id, false, serializeError(error)]),
        );
      } else throw new TypeError(`This manager serves no type "${typeid}": register it with Manager.register() before the manager starts`);
    } else if (op === CALL) {
      const entry = objects.get(objectId);
      if (!entry) throw new ReferenceError(`The managed object ${objectId} does not exist any more`);
      const builtin = TYPES[entry.typeid as Typeid];
      if (builtin) {
        const fn = builtin.methods[method];
        if (!fn) throw new TypeError(`A ${entry.typeid} proxy has no method "${method}"`);
        reply(to, [id, true, fn(entry.value as never, args)]);
      } else {
        const result = custom.call(entry.typeid, entry.value, method, args);
        if (isThenable(result)) {
          result.then(
            (value) => reply(to, [id, true, value]),
            (error: unknown) => reply(to, [id, false, serializeError(error)]),
          );
        } else reply(to, [id, true, result]);
      }
    }
  } catch (error) {
    reply(to, [id, false, serializeError(error)]);
  }
  releaseDropped();
  return true;
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

async function main(): Promise<void> {
  await startThread(data.thread);
  const { inbox, state } = fromMessage(data.link) as { inbox: Queue<Request>; state: SharedArray<"i"> };
  for (;;) {
    // Requests are taken with a blocking wait (a futex wake-up takes
    // microseconds; an async one goes through the event loop, tens), in
    // slices: when idle for a slice, and at least every TURN_MS when busy,
    // the event loop turns (see turn()).
    if (performance.now() - lastTurn > TURN_MS) await turn();
    let request: Request | typeof NOTHING;
    try {
      request = tryGetNowait(inbox);
      if (request === NOTHING && watchFor(inbox, WATCH_MS)) request = tryGetNowait(inbox);
      if (request === NOTHING) request = inbox.getSync(IDLE_SLICE_MS);
    } catch (error) {
      if (error instanceof QueueEmptyError) {
        await turn();
        continue;
      }
      return; // the inbox was closed: the manager is shut down
    }
    if (!serve(inbox, state, request)) return;
  }
}

void main();
