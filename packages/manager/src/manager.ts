import { randomInt } from "node:crypto";
import { Worker } from "node:worker_threads";
import {
  allocateBlock,
  bindBlock,
  checkOptionNames,
  checkWorkerFile,
  childThreadEnded,
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
import { ALIVE, COUNT, CREATE, MANAGER_ID, SHUTDOWN, STATE_WORDS, THREAD_ID, type ManagerWorkerData, type Request, type Typeid } from "./protocol.js";

const WORKER_FILE = new URL("./worker.js", import.meta.url);

/** A manager's block: its inbox and state, stored (2 words each), so the manager itself can be passed to other processes. */
const INBOX = 0;
const STATE = 2;
const WORDS = 4;

/** The creator thread's part of a manager: its thread, to stop and to watch. */
interface Owner {
  readonly worker: Worker;
  readonly child: ChildThread;
  readonly exited: Promise<void>;
}

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
export async function Manager(options?: Record<string, never>): Promise<SyncManager> {
  checkOptionNames(options, "Manager options", []);
  checkWorkerFile(WORKER_FILE, "@multiproc/manager");
  const inbox = new Queue<Request>();
  const state = new SharedArray("i", STATE_WORDS);
  state.set(MANAGER_ID, randomInt(1, 2 ** 31 - 1));
  const name = `Manager-${state.get(MANAGER_ID)}`;
  const child = prepareChildThread(name, [], "a Manager");
  const data: ManagerWorkerData = { kind: "multiproc.manager", thread: child.data, link: toMessage({ inbox, state }, "manager"), types: registeredTypes() };
  const worker = new Worker(WORKER_FILE, { workerData: data, name });
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
  const manager = new SyncManager(newManagerBlock(inbox, state), { worker, child, exited });
  await manager.numberOfObjects(); // the first reply: the manager serves
  return manager;
}

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

function newManagerBlock(inbox: Queue<Request>, state: SharedArray<"i">): Block {
  const block = allocateBlock(KIND.Manager, WORDS * 4);
  const words = block.int32(0, WORDS);
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

  /** @internal Made by `await Manager()`, or revived from another thread. */
  constructor(block: Block, owner?: Owner) {
    const words = block.int32(0, WORDS);
    const state = reviveStoredBlock(words, STATE, KIND.SharedArray) as SharedArray<"i">;
    this.#link = linkOf(state.get(MANAGER_ID), () => ({ inbox: reviveStoredBlock(words, INBOX, KIND.Queue) as Queue<Request>, state }));
    this.#block = block;
    this.#owner = owner;
    bindBlock(this, block);
  }

  /** Whether the manager serves (false once shut down, or if its thread ended). */
  get running(): boolean {
    return this.#link.alive;
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
    this.#checkRunning();
    return new Lock();
  }

  /** `manager.RLock()`: a multiproc RLock. */
  RLock(): RLock {
    this.#checkRunning();
    return new RLock();
  }

  /** `manager.Semaphore(value)`: a multiproc Semaphore. */
  Semaphore(value = 1): Semaphore {
    this.#checkRunning();
    return new Semaphore(value);
  }

  /** `manager.BoundedSemaphore(value)`: a multiproc BoundedSemaphore. */
  BoundedSemaphore(value = 1): BoundedSemaphore {
    this.#checkRunning();
    return new BoundedSemaphore(value);
  }

  /** `manager.Condition(lock)`: a multiproc Condition (over a new RLock if none is given). */
  Condition(lock?: Lock | RLock): Condition {
    this.#checkRunning();
    return new Condition(lock);
  }

  /** `manager.Event()`: a multiproc Event. */
  Event(): Event {
    this.#checkRunning();
    return new Event();
  }

  /** `manager.Barrier(parties, action, timeout)`: a multiproc Barrier. */
  Barrier(parties: number, options?: BarrierOptions): Barrier {
    this.#checkRunning();
    return new Barrier(parties, options);
  }

  /** `manager.Queue(maxsize)`: a multiproc Queue. */
  Queue<T = unknown>(maxsize = 0): Queue<T> {
    this.#checkRunning();
    return new Queue<T>({ maxsize });
  }

  /** `manager.JoinableQueue(maxsize)`: a multiproc JoinableQueue. */
  JoinableQueue<T = unknown>(maxsize = 0): JoinableQueue<T> {
    this.#checkRunning();
    return new JoinableQueue<T>({ maxsize });
  }

  /** `manager.Value(typecode, value)`: a multiproc SharedValue (`.value`; `getLock()` for a read-modify-write). */
  Value<T extends Typecode>(typecode: T, value: ValueOf<T>): SharedValue<T> {
    this.#checkRunning();
    return new SharedValue(typecode, value);
  }

  /** `manager.Array(typecode, sequence)`: a multiproc SharedArray. */
  Array<T extends Typecode>(typecode: T, sequence: number | Iterable<ValueOf<T>>): SharedArray<T> {
    this.#checkRunning();
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

  /** `await using manager = await Manager()`: shutdown() on leaving the block, as Python's `with Manager() as manager`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
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

  #checkRunning(): void {
    if (!this.#link.alive) throw new ManagerClosedError("The manager was shut down: it makes no more objects");
  }
}
