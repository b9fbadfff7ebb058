import { randomInt } from "node:crypto";
import { Worker } from "node:worker_threads";
import {
  allocateBlock,
  bindBlock,
  checkOptionNames,
  checkWorkerFile,
  childThreadEnded,
  deserializeError,
  dropStoredBlock,
  KIND,
  prepareChildThread,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  terminateChildThread,
  toMessage,
  ValueError,
  type Block,
  type ChildThread,
  type Shareable,
} from "@multiproc/core/internal";
import { Barrier, Event, type BarrierOptions } from "@multiproc/event";
import { Condition, Lock, RLock } from "@multiproc/lock";
import { JoinableQueue, Queue } from "@multiproc/queue";
import { BoundedSemaphore, Semaphore } from "@multiproc/semaphore";
import { SharedArray, SharedValue, type Typecode, type ValueOf } from "@multiproc/shared-value";
import { ManagerClosedError } from "./errors.js";
import { linkOf, type Link } from "./link.js";
import type { NamespaceProxy } from "./namespace-proxy.js";
import type { CustomProxy } from "./custom-proxy.js";
import type { DictKey, DictProxy, ListProxy } from "./proxies.js";
import { registeredTypes, registerType } from "./registry.js";
import { startRemoteThread, type RemoteThread } from "./remote-thread.js";
import { toRemote, type Address, type RemoteOptions } from "./remote-options.js";
import { ALIVE, COUNT, CREATE, MANAGER_ID, REMOTE, SHUTDOWN, STARTED, STATE_WORDS, THREAD_ID, type ManagerWorkerData, type Request, type Typeid } from "./protocol.js";

const WORKER_FILE = new URL("./worker.js", import.meta.url);

/**
 * A manager's block: its inbox and state, stored (2 words each), so the
 * manager itself can be passed to other processes, and whether it is a
 * client of a remote manager (whose primitives could not be shared).
 */
const INBOX = 0;
const STATE = 2;
const FLAGS = 4;
const WORDS = 5;
const REMOTE_CLIENT = 1;

/** The starting thread's part of a manager: its thread, to stop and to watch. */
interface Owner {
  readonly worker: Worker;
  readonly child: ChildThread;
  readonly exited: Promise<void>;
  /** Where it listens for remote clients, if it does. */
  address?: readonly [string, number];
}

/** The connecting thread's part of a client of a remote manager. */
interface Connected {
  readonly thread: RemoteThread;
  readonly address: readonly [string, number];
}

/** Options of `Manager()`: none for a manager of this process's threads; `address` and `authkey` for one that also serves other processes and machines. */
export interface ManagerOptions {
  /** Also serve clients (`Manager.connect()`) on this TCP address: `[host, port]`, host `""` every interface, port 0 a free one (then see `manager.address`). */
  address?: Address;
  /** The key clients must prove they know (required with `address`): a string (UTF-8) or bytes. */
  authkey?: string | Uint8Array;
  /** The largest message to or from a client, in bytes (default 64 MiB). */
  maxMessageSize?: number;
}

/** Options of `Manager.connect()`. */
export type ConnectOptions = RemoteOptions;

/**
 * Python's `multiprocessing.Manager()`: starts a manager thread that owns
 * shared dicts, lists and Namespaces, and returns a SyncManager that makes
 * them and gives out proxies. Resolves once the manager serves.
 *
 * @example
 * ```ts
 * await using manager = await Manager();
 * const counts = await manager.dict();
 * const lock = manager.Lock();
 * // pass counts and lock to Processes; each does:
 * //   lock.acquireSync(); counts.setSync("n", (counts.getSync("n", 0) as number) + 1); lock.release();
 * ```
 */
export async function Manager(options: ManagerOptions = {}): Promise<SyncManager> {
  checkOptionNames(options, "Manager options", ["address", "authkey", "maxMessageSize"]);
  const { address, authkey, maxMessageSize } = options;
  const remote = address === undefined && authkey === undefined && maxMessageSize === undefined ? undefined : toRemote(options, "Manager options", true);
  checkWorkerFile(WORKER_FILE, "@multiproc/manager");
  const inbox = new Queue<Request>();
  const state = new SharedArray("i", STATE_WORDS);
  state.set(MANAGER_ID, randomInt(1, 2 ** 31 - 1));
  const name = `Manager-${state.get(MANAGER_ID)}`;
  const child = prepareChildThread(name, [], "a Manager");
  const data: ManagerWorkerData = { kind: "multiproc.manager", thread: child.data, link: toMessage({ inbox, state }, "manager"), types: registeredTypes(), remote };
  const worker = new Worker(WORKER_FILE, { workerData: data, name });
  // A manager with an address says where it listens, or why it cannot.
  const listening = remote && new Promise<Record<string, unknown>>((resolve) => worker.once("message", resolve));
  // An idle manager does not keep Node alive (Python's manager process ends with its parent); calls waiting for it do.
  worker.unref();
  state.set(THREAD_ID, worker.threadId);
  state.set(ALIVE, 1);
  const exited = new Promise<void>((resolve) => {
    worker.once("exit", () => {
      Atomics.store(state.raw as Int32Array, ALIVE, 0);
      childThreadEnded(child);
      try {
        inbox.close();
      } catch {
        // closed already
      }
      resolve();
    });
  });
  const owner: Owner = { worker, child, exited };
  // The thread first: a request would wait for it synchronously (its HELLO),
  // which would never end if the thread failed to start (a module it must
  // import throws there), since that end is only seen on this event loop.
  worker.ref();
  try {
    await started(worker, state, exited);
  } finally {
    worker.unref();
  }
  const manager = new SyncManager(newManagerBlock(inbox, state, 0), owner);
  await manager.numberOfObjects(); // the first reply: the manager serves
  if (listening) {
    worker.ref(); // until it says where it listens
    const word = await listening;
    worker.unref();
    if (word.error) {
      await manager.shutdown();
      throw deserializeError(word.error as never);
    }
    owner.address = word.address as [string, number];
  }
  return manager;
}

/** Resolves once the manager thread is about to serve; rejects with ManagerClosedError if it ended first. */
async function started(worker: Worker, state: SharedArray<"i">, exited: Promise<void>): Promise<void> {
  const words = state.raw as Int32Array;
  let failure: Error | undefined;
  const onError = (error: Error) => (failure = error);
  worker.once("error", onError);
  try {
    const up = (async () => {
      while (Atomics.load(words, STARTED) === 0) await Atomics.waitAsync(words, STARTED, 0).value;
    })();
    const ended = exited.then(() => {
      if (Atomics.load(words, STARTED) === 1) return;
      const why = failure ? `: ${failure.message}` : " (it exited)";
      throw new ManagerClosedError(`The manager thread failed to start${why}`, failure ? { cause: failure } : undefined);
    });
    await Promise.race([up, ended]);
  } finally {
    worker.off("error", onError);
  }
}

/**
 * Python's `BaseManager(address, authkey).connect()`: a client of the
 * manager another process (on this machine or another) started with
 * `Manager({ address, authkey })`. Its `dict()`, `list()`, `Namespace()`
 * and `create()` make objects there, and its proxies work as local ones
 * (Sync twins, passing them to Processes of this process); each call is a
 * round trip over TCP. Rejects with AuthenticationError when the keys
 * differ, and with the connection's error (`code` ECONNREFUSED, ...) when
 * nothing listens there. `close()` (or leaving an `await using` block)
 * disconnects; the manager lets go of what only this client held.
 *
 * @example
 * ```ts
 * await using manager = await Manager.connect({ address: ["10.0.0.5", 50000], authkey: "abracadabra" });
 * const shared = await manager.dict();
 * ```
 */
Manager.connect = async function connect(options: ConnectOptions): Promise<SyncManager> {
  checkOptionNames(options, "Manager.connect options", ["address", "authkey", "maxMessageSize"]);
  const remote = toRemote(options ?? {}, "Manager.connect options", false);
  const inbox = new Queue<Request>();
  const state = new SharedArray("i", STATE_WORDS);
  state.set(MANAGER_ID, randomInt(1, 2 ** 31 - 1));
  const { thread } = await startRemoteThread("multiproc.manager.client", `Manager-client-${state.get(MANAGER_ID)}`, { inbox, state }, remote, () => {
    Atomics.store(state.raw as Int32Array, ALIVE, 0);
    try {
      inbox.close();
    } catch {
      // closed already
    }
  });
  state.set(THREAD_ID, thread.worker.threadId);
  state.set(REMOTE, 1);
  state.set(ALIVE, 1);
  const manager = new SyncManager(newManagerBlock(inbox, state, REMOTE_CLIENT), undefined, { thread, address: [remote.host, remote.port] });
  await manager.numberOfObjects();
  return manager;
};

/**
 * Python's `BaseManager.register(typeid, callable, exposed=...)`: managers
 * started from now on in this thread serve `typeid`, made by `factory` (a
 * `task(url, name)` of a function or a class, imported in the manager
 * thread), through proxies whose methods run there: `manager.create(typeid, ...args)`.
 *
 * @example
 * ```ts
 * Manager.register("Maths", task(new URL("./maths.js", import.meta.url), "MathsClass"));
 * await using manager = await Manager();
 * const maths = await manager.create("Maths");
 * console.log(await maths.add(4, 3), maths.mulSync(7, 8)); // 7 56
 * ```
 */
Manager.register = registerType;

function newManagerBlock(inbox: Queue<Request>, state: SharedArray<"i">, flags: number): Block {
  const block = allocateBlock(KIND.Manager, WORDS * 4);
  const words = block.int32(0, WORDS);
  words[FLAGS] = flags;
  storeBlock(words, INBOX, inbox[SHAREABLE]());
  storeBlock(words, STATE, state[SHAREABLE]());
  return block;
}

/** The kind's dispose: the last SyncManager handle is gone; drop what its block references. */
export function disposeManagerBlock(block: Block): void {
  const words = block.int32(0, WORDS);
  dropStoredBlock(words, INBOX);
  dropStoredBlock(words, STATE);
}

/**
 * A running manager, as Python's SyncManager: `dict()`, `list()` and
 * `Namespace()` make objects that live in the manager thread and return
 * proxies to them; `Lock()`, `Queue()`, `Value()` and the other primitives
 * return multiproc's own shareable primitives, which need no server (they
 * live in shared memory and work in every process they are passed to).
 * The manager itself is shareable: a Process it is passed to can make
 * objects too. Only the thread that started it can shut it down.
 */
export class SyncManager implements Shareable {
  readonly #block: Block;
  readonly #link: Link;
  readonly #owner: Owner | undefined;
  readonly #connected: Connected | undefined;
  readonly #remoteClient: boolean;

  /** @internal Made by `await Manager()` or `Manager.connect()`, or revived from another thread. */
  constructor(block: Block, owner?: Owner, connected?: Connected) {
    const words = block.int32(0, WORDS);
    const state = reviveStoredBlock(words, STATE, KIND.SharedArray) as SharedArray<"i">;
    this.#link = linkOf(state.get(MANAGER_ID), () => ({ inbox: reviveStoredBlock(words, INBOX, KIND.Queue) as Queue<Request>, state }));
    this.#block = block;
    this.#owner = owner;
    this.#connected = connected;
    this.#remoteClient = (words[FLAGS]! & REMOTE_CLIENT) !== 0;
    bindBlock(this, block);
  }

  /** Whether the manager serves (false once shut down, or if its thread ended; for a client, once disconnected). */
  get running(): boolean {
    return this.#link.alive;
  }

  /**
   * The TCP address `[host, port]` this manager listens on (the bound port
   * when it was asked for port 0), or, for a client, the address of the
   * manager it is connected to; undefined for a manager without an address,
   * and in threads this handle was passed to.
   */
  get address(): readonly [host: string, port: number] | undefined {
    return this.#owner?.address ?? this.#connected?.address;
  }

  /** Whether this is a client of a remote manager (`Manager.connect()`), in any thread it was passed to. */
  get remote(): boolean {
    return this.#remoteClient;
  }

  /** A new managed dict, as Python's `manager.dict(init)`: from a Map, [key, value] pairs or an object. */
  dict<K extends DictKey = DictKey, V = unknown>(init?: Map<K, V> | [K, V][] | Record<string, V>): Promise<DictProxy<K, V>> {
    return this.#create("dict", init);
  }

  /** `dict()`, blocking this thread. */
  dictSync<K extends DictKey = DictKey, V = unknown>(init?: Map<K, V> | [K, V][] | Record<string, V>): DictProxy<K, V> {
    return this.#createSync("dict", init);
  }

  /** A new managed list, as Python's `manager.list(sequence)`. */
  list<T = unknown>(init?: Iterable<T>): Promise<ListProxy<T>> {
    return this.#create("list", init === undefined ? undefined : [...init]);
  }

  /** `list()`, blocking this thread. */
  listSync<T = unknown>(init?: Iterable<T>): ListProxy<T> {
    return this.#createSync("list", init === undefined ? undefined : [...init]);
  }

  /** A new managed Namespace, as Python's `manager.Namespace(**attributes)`. */
  Namespace<T extends object = Record<string, unknown>>(attributes?: T): Promise<NamespaceProxy<T>> {
    return this.#create("Namespace", attributes);
  }

  /** `Namespace()`, blocking this thread. */
  NamespaceSync<T extends object = Record<string, unknown>>(attributes?: T): NamespaceProxy<T> {
    return this.#createSync("Namespace", attributes);
  }

  /**
   * A new object of a type registered with `Manager.register` before this
   * manager started (Python's `manager.Maths()`), made in the manager with
   * `args`; TypeError for a typeid it does not serve.
   */
  create(typeid: string, ...args: unknown[]): Promise<CustomProxy> {
    return this.#link.request(CREATE, 0, typeid, args) as Promise<CustomProxy>;
  }

  /** `create()`, blocking this thread. */
  createSync(typeid: string, ...args: unknown[]): CustomProxy {
    return this.#link.requestSync(CREATE, 0, typeid, args) as CustomProxy;
  }

  /** `manager.Lock()`: a multiproc Lock (shareable; it does not depend on the manager). */
  Lock(): Lock {
    this.#checkRunning("Lock");
    return new Lock();
  }

  /** `manager.RLock()`: a multiproc RLock. */
  RLock(): RLock {
    this.#checkRunning("RLock");
    return new RLock();
  }

  /** `manager.Semaphore(value)`: a multiproc Semaphore. */
  Semaphore(value = 1): Semaphore {
    this.#checkRunning("Semaphore");
    return new Semaphore(value);
  }

  /** `manager.BoundedSemaphore(value)`: a multiproc BoundedSemaphore. */
  BoundedSemaphore(value = 1): BoundedSemaphore {
    this.#checkRunning("BoundedSemaphore");
    return new BoundedSemaphore(value);
  }

  /** `manager.Condition(lock)`: a multiproc Condition (over a new RLock if none is given). */
  Condition(lock?: Lock | RLock): Condition {
    this.#checkRunning("Condition");
    return new Condition(lock);
  }

  /** `manager.Event()`: a multiproc Event. */
  Event(): Event {
    this.#checkRunning("Event");
    return new Event();
  }

  /** `manager.Barrier(parties, action, timeout)`: a multiproc Barrier. */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this.#checkRunning("Barrier");
    return new Barrier(parties, options);
  }

  /** `manager.Queue(maxsize)`: a multiproc Queue. */
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    this.#checkRunning("Queue");
    return new Queue<T>({ maxsize });
  }

  /** `manager.JoinableQueue(maxsize)`: a multiproc JoinableQueue. */
  JoinableQueue<T = unknown>(maxsize = 0): JoinableQueue<T> {
    this.#checkRunning("JoinableQueue");
    return new JoinableQueue<T>({ maxsize });
  }

  /** `manager.Value(typecode, value)`: a multiproc SharedValue (`.value`; `getLock()` for a read-modify-write). */
  Value<T extends Typecode>(typecode: T, value: ValueOf<T>): SharedValue<T> {
    this.#checkRunning("Value");
    return new SharedValue(typecode, value);
  }

  /** `manager.Array(typecode, sequence)`: a multiproc SharedArray. */
  Array<T extends Typecode>(typecode: T, sequence: number | Iterable<ValueOf<T>>): SharedArray<T> {
    this.#checkRunning("Array");
    return new SharedArray(typecode, sequence);
  }

  /** How many objects the manager holds now (Python's `_number_of_objects()`): each lives while a proxy of it does, anywhere. */
  numberOfObjects(): Promise<number> {
    return this.#link.request(COUNT, 0, "", []) as Promise<number>;
  }

  /** `numberOfObjects()`, blocking this thread. */
  numberOfObjectsSync(): number {
    return this.#link.requestSync(COUNT, 0, "", []) as number;
  }

  /**
   * Ends the manager: its objects are dropped, and every proxy of them, in
   * any thread, throws ManagerClosedError from then on (a call waiting for
   * a reply gets it too). Only the thread that started the manager may
   * (ValueError elsewhere); a second call does nothing.
   */
  async shutdown(): Promise<void> {
    const owner = this.#owner;
    if (this.#remoteClient) throw new ValueError("A client of a remote manager cannot shut it down: close() disconnects this client; the process that started the manager shuts it down");
    if (!owner) throw new ValueError("Only the thread that started a manager can shut it down");
    if (this.#link.alive) {
      try {
        await this.#link.request(SHUTDOWN, 0, "", []);
      } catch (error) {
        if (!(error instanceof ManagerClosedError)) throw error;
      }
    }
    Atomics.store(this.#link.state.raw as Int32Array, ALIVE, 0);
    owner.worker.ref();
    await terminateChildThread(owner.child, owner.worker);
    await owner.exited;
  }

  /**
   * A client of a remote manager disconnects: its proxies throw
   * ManagerClosedError from then on, and the manager lets go of what only
   * this client held. Only the thread that connected may (ValueError
   * elsewhere, and for a manager that is not a client: see shutdown()); a
   * second call does nothing.
   */
  async close(): Promise<void> {
    if (!this.#remoteClient) throw new ValueError("close() disconnects a client of a remote manager; a manager ends with shutdown()");
    const connected = this.#connected;
    if (!connected) throw new ValueError("Only the thread that connected a client of a remote manager can close it");
    Atomics.store(this.#link.state.raw as Int32Array, ALIVE, 0);
    await connected.thread.stop();
  }

  /**
   * Serves until the manager is shut down (Python's `serve_forever()`): a
   * manager does not keep Node alive by itself (it ends with the program,
   * as Python's manager process ends with its parent); a program that only
   * serves remote clients awaits this. Only the thread that started it.
   */
  async serveForever(): Promise<void> {
    const owner = this.#owner;
    if (!owner) throw new ValueError("Only the thread that started a manager can serve with it");
    owner.worker.ref();
    await owner.exited;
  }

  /** `await using manager = await Manager()`: shutdown() on leaving the block, as Python's `with Manager() as manager`; a client close()s. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#remoteClient ? this.close() : this.shutdown();
  }

  /** The shareable protocol: the block a handle of this manager in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** `<SyncManager running>`. */
  toString(): string {
    return `<SyncManager ${this.running ? "running" : "shut down"}>`;
  }

  #create<T>(typeid: Typeid, init: unknown): Promise<T> {
    return this.#link.request(CREATE, 0, typeid, init === undefined ? [] : [init]) as Promise<T>;
  }

  #createSync<T>(typeid: Typeid, init: unknown): T {
    return this.#link.requestSync(CREATE, 0, typeid, init === undefined ? [] : [init]) as T;
  }

  #checkRunning(primitive: string): void {
    if (this.#remoteClient) {
      throw new TypeError(
        `manager.${primitive}() of a remote manager's client: multiproc's ${primitive} lives in shared memory, which only the threads of one process share. ` +
          "Across processes and machines, keep shared state in the manager's dict(), list() or Namespace(), or register a type (Manager.register) whose methods run in the manager",
      );
    }
    if (!this.#link.alive) throw new ManagerClosedError("The manager was shut down: it makes no more objects");
  }
}
