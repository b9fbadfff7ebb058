import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { serializeError, unbindBlock, type Shareable } from "@multiproc/core/internal";
import { Connection } from "./connection.js";
import { CALL, COUNT, CREATE, RELEASE } from "./protocol.js";
import { proxyIdentity } from "./proxy-block.js";
import { formatAddress, type Remote } from "./remote-options.js";
import { cannotTravel, pack, releaseShareables, restore, unpack } from "./wire.js";

// A remote manager's side of its clients' connections, in the manager
// thread: each peer proves it knows the authkey before anything else is
// read; then its requests run as local callers' do, and the session holds
// the proxies it sent the peer (a count per object) until the peer
// releases them or disconnects.

/** How the sessions reach the managed objects. */
export interface Dispatcher {
  readonly managerId: number;
  /** Runs a request; proxies in its result belong to the result (the session keeps or releases them). */
  request(op: number, objectId: number, method: string, args: unknown[]): unknown;
  /** An instance of a held proxy's object for a request's arguments, owning its own reference (the object may keep it). */
  argument(proxy: Shareable): object;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** One authenticated client: the proxies it holds, by object id, with how many markers of each it was sent. */
class ClientSession {
  readonly #held = new Map<number, { proxy: Shareable; count: number }>();
  readonly #connection: Connection;
  readonly #dispatcher: Dispatcher;
  readonly #limit: number;

  constructor(connection: Connection, dispatcher: Dispatcher, limit: number) {
    this.#connection = connection;
    this.#dispatcher = dispatcher;
    this.#limit = limit;
    connection.onClose(() => {
      // The client is gone (or closed): what it held goes, as a dead local process's proxies do.
      for (const { proxy } of this.#held.values()) unbindBlock(proxy);
      this.#held.clear();
    });
    connection.listen((frame) => this.#receive(frame));
  }

  #receive(frame: Buffer): void {
    let request: unknown[];
    let markers: [number, number][];
    try {
      ({ message: request, markers } = unpack(frame));
      checkRequest(request);
    } catch {
      this.#connection.close(); // not our protocol: nothing more is read from this peer
      return;
    }
    const [op, wireId, objectId, method, args] = request as [number, number, number, string, unknown[]];
    if (op === RELEASE) {
      this.#release(objectId);
      return;
    }
    try {
      if (op !== CREATE && op !== CALL && op !== COUNT) throw new TypeError(`Unknown request ${op}`);
      if (op === CALL) this.#proxyOf(objectId);
      const revived = markers.map(([id]) => this.#dispatcher.argument(this.#proxyOf(id)));
      const result = this.#dispatcher.request(op, op === CALL ? objectId : 0, method, restore(args, revived) as unknown[]);
      if (isThenable(result)) {
        result.then(
          (value) => this.#answer(wireId, value),
          (error: unknown) => this.#fail(wireId, error),
        );
      } else this.#answer(wireId, result);
    } catch (error) {
      this.#fail(wireId, error);
    }
  }

  /** A proxy this client holds; a ReferenceError for any other object (a client cannot reach objects it was not given). */
  #proxyOf(objectId: number): Shareable {
    const entry = this.#held.get(objectId);
    if (!entry) throw new ReferenceError(`This client holds no proxy of the managed object ${objectId}`);
    return entry.proxy;
  }

  #answer(wireId: number, value: unknown): void {
    if (this.#connection.closed) {
      releaseShareables(value);
      return;
    }
    const sent: Shareable[] = [];
    let frame: Buffer;
    try {
      frame = pack([wireId, true], value, "the result", (shareable) => {
        const identity = proxyIdentity(shareable);
        if (!identity || identity.managerId !== this.#dispatcher.managerId) throw cannotTravel(shareable, "the result");
        sent.push(shareable);
        return [identity.objectId, identity.typeCode];
      });
      if (frame.length > this.#limit) throw new RangeError(`The result is ${frame.length} bytes, over the connection's maxMessageSize of ${this.#limit}`);
    } catch (error) {
      releaseShareables(value);
      this.#fail(wireId, error);
      return;
    }
    for (const proxy of sent) this.#hold(proxy);
    this.#connection.send(frame);
  }

  #fail(wireId: number, error: unknown): void {
    this.#connection.send(pack([wireId, false], serializeError(error), "the error", () => [0, 0]));
  }

  /** The client now holds one more marker of this proxy's object. */
  #hold(proxy: Shareable): void {
    const { objectId } = proxyIdentity(proxy)!;
    const entry = this.#held.get(objectId);
    if (!entry) {
      this.#held.set(objectId, { proxy, count: 1 });
      return;
    }
    entry.count++;
    if (entry.proxy !== proxy) unbindBlock(proxy); // one reference per object is enough here
  }

  #release(objectId: number): void {
    const entry = this.#held.get(objectId);
    if (!entry || --entry.count > 0) return;
    this.#held.delete(objectId);
    unbindBlock(entry.proxy);
  }
}

function checkRequest(request: unknown[]): void {
  const [op, wireId, objectId, method, args] = request;
  if (request.length !== 5 || !Number.isInteger(op) || !Number.isInteger(wireId) || !Number.isInteger(objectId) || typeof method !== "string" || !Array.isArray(args)) {
    throw new TypeError("Not a manager request");
  }
}

/**
 * Listens on `remote`'s address for clients of the manager; `onListening`
 * gets the bound address, `onError` what kept it from listening. Returns a
 * function that closes the server and every connection.
 */
export function serveClients(remote: Remote, dispatcher: Dispatcher, onListening: (address: [string, number]) => void, onError: (error: Error) => void): () => void {
  const authkey = Buffer.from(remote.authkey);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    const connection = new Connection(socket);
    const peer = `The client at ${formatAddress(socket.remoteAddress ?? "?", socket.remotePort ?? 0)}`;
    connection.acceptPeer(authkey, peer).then(
      () => {
        connection.setLimit(remote.maxMessageSize);
        new ClientSession(connection, dispatcher, remote.maxMessageSize);
      },
      () => {}, // told and dropped; nothing was read from it
    );
  });
  server.once("error", onError);
  server.listen({ host: remote.host === "" ? undefined : remote.host, port: remote.port }, () => {
    const { address, port } = server.address() as AddressInfo;
    onListening([address, port]);
  });
  return () => {
    server.close();
    for (const socket of sockets) socket.destroy();
  };
}
