import { connect, type Socket } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { fromMessage, homeArena, isTidAlive, serializeError, startThread, unbindBlock, ValueError } from "@multiproc/core/internal";
import { QueueEmptyError, type Queue } from "@multiproc/queue";
import { NOTHING, tryGetNowait } from "@multiproc/queue/internal";
import type { SharedArray } from "@multiproc/shared-value";
import { Connection } from "./connection.js";
import { ManagerClosedError } from "./errors.js";
import { makeProxy } from "./make-proxy.js";
import { ALIVE, HELLO, MANAGER_ID, RELEASE, SHUTDOWN, type RemoteThreadData, type Reply, type Request } from "./protocol.js";
import { newProxyBlock, proxyIdentity } from "./proxy-block.js";
import { formatAddress } from "./remote-options.js";
import { cannotTravel, pack, releaseShareables, restore, unpack } from "./wire.js";

// A client's connection thread (`Manager.connect()`): to the threads of its
// process it is a manager (same inbox protocol, so proxies, their Sync
// twins and passing them to Processes work as with a local manager); it
// owns the TCP connection and forwards each request to the remote manager.
// Proxies arriving from there become local proxy blocks of this client;
// when the last local proxy of one is gone, the manager is told.

const data = workerData as RemoteThreadData;
const where = formatAddress(data.remote.host, data.remote.port);
/** How long the thread waits for a request before it looks whether the connection was lost. */
const RECHECK_MS = 200;

/** Callers' reply queues by channel number, with the caller's threadId (as the manager thread's). */
const channels = new Map<number, { queue: Queue<Reply>; tid: number }>();
let nextChannel = 1;
/** Requests sent and not answered yet: where their reply goes. */
const pending = new Map<number, { to: Queue<Reply>; id: number }>();
let nextWireId = 1;
let lost: Error | undefined;

function reply(to: Queue<Reply>, message: Reply): void {
  try {
    to.putNowait(message);
  } catch {
    // The caller is gone (its queue closed with its thread): its proxies in the reply are released below.
  }
}

async function open(): Promise<Connection> {
  const { host, port } = data.remote;
  const socket = await new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once("connect", () => resolve(socket));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      reject(Object.assign(new Error(`Cannot connect to the manager at ${where}: ${error.message}`, { cause: error }), { code: error.code }));
    });
  });
  const connection = new Connection(socket);
  await connection.connectToPeer(Buffer.from(data.remote.authkey), `The manager at ${where}`);
  connection.setLimit(data.remote.maxMessageSize);
  return connection;
}

function serve(connection: Connection, managerId: number, request: Request): void {
  const [op, id, channel, objectId, method, args] = request;
  if (op === HELLO) {
    const queue = args[0] as Queue<Reply>;
    const number = nextChannel++;
    channels.set(number, { queue, tid: objectId });
    reply(queue, [id, true, number]);
    return;
  }
  if (op === RELEASE) {
    connection.send(pack([RELEASE, 0, objectId, ""], [], "args", () => [0, 0]));
    return;
  }
  const to = channels.get(channel)?.queue;
  if (!to) {
    releaseShareables(args); // its caller died meanwhile
    return;
  }
  if (op === SHUTDOWN) {
    reply(to, [id, false, serializeError(new ValueError("A client of a remote manager cannot shut it down"))]);
    return;
  }
  if (lost) {
    releaseShareables(args);
    reply(to, [id, false, serializeError(lostError())]);
    return;
  }
  const wireId = nextWireId++;
  let frame: Buffer;
  try {
    frame = pack([op, wireId, objectId, method], args, "args", (shareable) => {
      const identity = proxyIdentity(shareable);
      if (!identity || identity.managerId !== managerId) throw cannotTravel(shareable, "the arguments");
      return [identity.objectId, identity.typeCode];
    });
    if (frame.length > data.remote.maxMessageSize) {
      throw new RangeError(`The request is ${frame.length} bytes, over the connection's maxMessageSize of ${data.remote.maxMessageSize}`);
    }
  } catch (error) {
    releaseShareables(args);
    reply(to, [id, false, serializeError(error)]);
    return;
  }
  pending.set(wireId, { to, id });
  connection.send(frame);
  releaseShareables(args); // this thread's copies: the markers stand for them, the caller still holds its own
}

function receive(connection: Connection, inbox: Queue<Request>, state: SharedArray<"i">, frame: Buffer): void {
  let message: unknown[];
  let markers: [number, number][];
  try {
    ({ message, markers } = unpack(frame));
  } catch {
    connection.close();
    return;
  }
  const [wireId, ok, value] = message as [number, boolean, unknown];
  // One local proxy block per marker: its last proxy's release is this marker's release at the manager.
  const proxies = markers.map(([objectId, typeCode]) => makeProxy(newProxyBlock(inbox, state, objectId, typeCode)));
  const waiter = pending.get(wireId);
  pending.delete(wireId);
  if (waiter) reply(waiter.to, [waiter.id, ok, ok ? restore(value, proxies) : value]);
  for (const proxy of proxies) unbindBlock(proxy); // the caller's copy (in its reply) holds the object now
}

function lostError(): ManagerClosedError {
  return new ManagerClosedError(`The connection to the manager at ${where} was lost (${lost?.message ?? "closed"}): its proxies cannot be used any more`, { cause: lost });
}

function connectionLost(state: SharedArray<"i">, reason: Error): void {
  lost = reason;
  Atomics.store(state.raw as Int32Array, ALIVE, 0);
  for (const { to, id } of pending.values()) reply(to, [id, false, serializeError(lostError())]);
  pending.clear();
}

/** Drops the channels of callers that died: their queues go with them. */
function sweepChannels(): void {
  for (const [number, { queue, tid }] of channels) {
    if (isTidAlive(homeArena(), tid)) continue;
    channels.delete(number);
    unbindBlock(queue);
  }
}

async function main(): Promise<void> {
  await startThread(data.thread);
  const { inbox, state } = fromMessage(data.link) as { inbox: Queue<Request>; state: SharedArray<"i"> };
  let connection: Connection;
  try {
    connection = await open();
  } catch (error) {
    parentPort!.postMessage({ error: serializeError(error) });
    return;
  }
  const managerId = state.get(MANAGER_ID);
  connection.listen((frame) => receive(connection, inbox, state, frame));
  connection.onClose((reason) => connectionLost(state, reason));
  parentPort!.postMessage({ connected: true });
  let lastSweep = performance.now();
  while (!lost) {
    let request: Request | typeof NOTHING;
    try {
      request = tryGetNowait(inbox);
      if (request === NOTHING) request = await inbox.get(RECHECK_MS);
    } catch (error) {
      if (!(error instanceof QueueEmptyError)) break; // the inbox was closed: the client is closed
      request = NOTHING;
    }
    if (request !== NOTHING) serve(connection, managerId, request);
    if (performance.now() - lastSweep > RECHECK_MS) {
      sweepChannels();
      lastSweep = performance.now();
    }
  }
  connection.close();
}

void main();
