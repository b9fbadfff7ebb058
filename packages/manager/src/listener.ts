import { createServer, type AddressInfo } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { fromMessage, serializeError, startThread, unbindBlock, type Shareable } from "@multiproc/core/internal";
import type { Queue } from "@multiproc/queue";
import type { SharedArray } from "@multiproc/shared-value";
import { Connection } from "./connection.js";
import { linkOf, type Link } from "./link.js";
import { CALL, COUNT, CREATE, MANAGER_ID, RELEASE, type RemoteThreadData, type Request } from "./protocol.js";
import { proxyIdentity } from "./proxy-block.js";
import { formatAddress, type Remote } from "./remote-options.js";
import { cannotTravel, pack, releaseShareables, restore, unpack } from "./wire.js";

// A remote manager's listener thread: accepts TCP connections, makes each
// peer prove it knows the authkey before reading anything else, then
// forwards its requests to the manager thread as a local caller would, and
// holds the proxies it sent the peer (a count per object) until the peer
// releases them or disconnects.

const data = workerData as RemoteThreadData;

/** One authenticated client: the proxies it holds, by object id, with how many markers of each it was sent. */
class ClientSession {
  readonly #held = new Map<number, { proxy: Shareable; count: number }>();
  readonly #connection: Connection;
  readonly #link: Link;
  readonly #managerId: number;
  readonly #limit: number;

  constructor(connection: Connection, link: Link, managerId: number, limit: number) {
    this.#connection = connection;
    this.#link = link;
    this.#managerId = managerId;
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
      const revived = markers.map(([id]) => this.#proxyOf(id));
      this.#link.request(op, op === CALL ? objectId : 0, method, restore(args, revived) as unknown[]).then(
        (value) => this.#answer(wireId, value),
        (error: unknown) => this.#fail(wireId, error),
      );
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
        if (!identity || identity.managerId !== this.#managerId) throw cannotTravel(shareable, "the result");
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

function listen(remote: Remote, link: Link, managerId: number): void {
  const authkey = Buffer.from(remote.authkey);
  const server = createServer((socket) => {
    const connection = new Connection(socket);
    const peer = `The client at ${formatAddress(socket.remoteAddress ?? "?", socket.remotePort ?? 0)}`;
    connection.acceptPeer(authkey, peer).then(
      () => {
        connection.setLimit(remote.maxMessageSize);
        new ClientSession(connection, link, managerId, remote.maxMessageSize);
      },
      () => {}, // told and dropped; nothing was read from it
    );
  });
  server.once("error", (error) => parentPort!.postMessage({ error: serializeError(error) }));
  server.listen({ host: remote.host === "" ? undefined : remote.host, port: remote.port }, () => {
    const { address, port } = server.address() as AddressInfo;
    parentPort!.postMessage({ address: [address, port] });
  });
}

async function main(): Promise<void> {
  await startThread(data.thread);
  const { inbox, state } = fromMessage(data.link) as { inbox: Queue<Request>; state: SharedArray<"i"> };
  const managerId = state.get(MANAGER_ID);
  listen(data.remote, linkOf(managerId, () => ({ inbox, state })), managerId);
}

void main();
