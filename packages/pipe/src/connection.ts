import {
  claimBlock,
  describe,
  dropStoredBlock,
  KIND,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  TimeoutError,
  ValueError,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core";
import { Queue, QueueClosedError } from "@multiproc/queue";
import { BrokenPipeError, EOFError } from "./errors.js";

/**
 * Payload of a Connection block (int32 words):
 * ```
 * 0-1 SEND_REF  the queue this end sends on (arena id, offset); 0 0 for a receive-only end
 * 2-3 RECV_REF  the queue it receives from; 0 0 for a send-only end
 * 4   CLOSED    1 once this end is closed, seen by every thread that holds it
 * ```
 * A duplex Pipe is two queues, one each way; a one-way Pipe is one.
 */
const SEND_REF = 0;
const RECV_REF = 2;
const CLOSED = 4;
const WORDS = 6;

const WAIT_READABLE = Symbol.for("multiproc.queue.waitReadable");
const WAIT_READABLE_SYNC = Symbol.for("multiproc.queue.waitReadableSync");

type Readable = Queue<unknown> & {
  [WAIT_READABLE](options?: WaitOptions): Promise<boolean>;
  [WAIT_READABLE_SYNC](options?: WaitOptions): boolean;
};

let creating: { send: Queue<unknown> | undefined; recv: Queue<unknown> | undefined } | undefined;

/** Pipe() creates Connections through this, since the constructor is not for users. */
export function newConnection(send: Queue<unknown> | undefined, recv: Queue<unknown> | undefined): Connection {
  creating = { send, recv };
  try {
    return new Connection();
  } finally {
    creating = undefined;
  }
}

/**
 * One end of a Pipe, as Python's `multiprocessing.connection.Connection`.
 * Messages arrive in order, exactly once. Pass a Connection to a Process
 * like any shareable object; every thread holding it uses the same end.
 *
 * @example
 * ```ts
 * const [parent, child] = Pipe();
 * new Process({ target: (conn) => conn.send("hello"), args: [child] }).start();
 * console.log(await parent.recv()); // "hello"
 * ```
 */
export class Connection implements Shareable {
  readonly #block: Block;
  readonly #words: Int32Array;
  readonly #send: Queue<unknown> | undefined;
  readonly #recv: Readable | undefined;

  /** Use `Pipe()`. */
  constructor() {
    const { block, revived } = claimBlock(this, KIND.Connection, WORDS * 4);
    this.#block = block;
    this.#words = block.int32(0, WORDS);
    if (revived) {
      this.#send = this.#words[SEND_REF + 1] ? (reviveStoredBlock(this.#words, SEND_REF, KIND.Queue) as Queue<unknown>) : undefined;
      this.#recv = this.#words[RECV_REF + 1] ? (reviveStoredBlock(this.#words, RECV_REF, KIND.Queue) as Readable) : undefined;
    } else {
      if (!creating) throw new TypeError("Connections come from Pipe(): new Connection() is not supported");
      this.#send = creating.send;
      this.#recv = creating.recv as Readable | undefined;
      if (this.#send) storeBlock(this.#words, SEND_REF, this.#send[SHAREABLE]());
      if (this.#recv) storeBlock(this.#words, RECV_REF, this.#recv[SHAREABLE]());
    }
    if (this.#recv) readers.set(this, this.#recv);
  }

  get closed(): boolean {
    return Atomics.load(this.#words, CLOSED) === 1;
  }

  get readable(): boolean {
    return this.#recv !== undefined;
  }

  get writable(): boolean {
    return this.#send !== undefined;
  }

  /** Sends any structured-cloneable value (shareables included). BrokenPipeError if the other end is closed. */
  send(obj: unknown): void {
    const queue = this.#sender();
    try {
      queue.putNowait(obj);
    } catch (error) {
      if (error instanceof QueueClosedError) throw new BrokenPipeError();
      throw error;
    }
  }

  /** Sends `size` bytes of `buf` from `offset` (a copy), for `recvBytes` on the other end. */
  sendBytes(buf: ArrayBufferView | ArrayBuffer, offset = 0, size?: number): void {
    const bytes = ArrayBuffer.isView(buf) ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf instanceof ArrayBuffer ? new Uint8Array(buf) : undefined;
    if (!bytes) throw new TypeError(`Expected \`buf\` to be an ArrayBuffer or a view of one, got ${describe(buf)}`);
    const end = size === undefined ? bytes.byteLength : offset + size;
    if (!Number.isInteger(offset) || offset < 0 || offset > bytes.byteLength) throw new ValueError(`\`offset\` ${offset} is outside the buffer (${bytes.byteLength} bytes)`);
    if (size !== undefined && (!Number.isInteger(size) || size < 0 || end > bytes.byteLength)) {
      throw new ValueError(`\`size\` ${size} from offset ${offset} goes beyond the buffer (${bytes.byteLength} bytes)`);
    }
    this.send(bytes.slice(offset, end));
  }

  /** The next message, waiting for one; EOFError once the other end is closed and all was read. */
  async recv<T = unknown>(options?: WaitOptions): Promise<T> {
    const queue = this.#receiver();
    try {
      return (await queue.get(options)) as T;
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  recvSync<T = unknown>(options?: WaitOptions): T {
    const queue = this.#receiver();
    try {
      return queue.getSync(options) as T;
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  /** The next message, which must be bytes (sent with `sendBytes`, or a Uint8Array); TypeError otherwise. */
  async recvBytes(options?: WaitOptions): Promise<Uint8Array> {
    const message = await this.recv(options);
    if (!(message instanceof Uint8Array)) {
      throw new TypeError(`recvBytes() received ${describe(message)} sent with send(); use recv() for such messages`);
    }
    return message;
  }

  /**
   * Whether a recv would not wait (a message, or the end of the pipe, is
   * there), after waiting up to `timeout` ms for one. Timeout 0 just checks;
   * no timeout waits until one of the two.
   */
  async poll(timeout?: number): Promise<boolean> {
    return this.#receiver()[WAIT_READABLE]({ timeout });
  }

  pollSync(timeout?: number): boolean {
    return this.#receiver()[WAIT_READABLE_SYNC]({ timeout });
  }

  /** Closes this end for every thread that holds it: the other end reads what is left, then gets EOFError. */
  close(): void {
    if (Atomics.exchange(this.#words, CLOSED, 1) === 1) return;
    this.#send?.close();
    this.#recv?.close();
  }

  [SHAREABLE](): Block {
    return this.#block;
  }

  #sender(): Queue<unknown> {
    if (this.closed) throw new ValueError("Cannot send on a closed Connection");
    if (!this.#send) throw new ValueError("This end of a one-way Pipe only receives");
    return this.#send;
  }

  #receiver(): Readable {
    if (this.closed) throw new ValueError("Cannot receive on a closed Connection");
    if (!this.#recv) throw new ValueError("This end of a one-way Pipe only sends");
    return this.#recv;
  }

  #translate(error: unknown, options: WaitOptions | undefined): unknown {
    if (error instanceof QueueClosedError) return this.closed ? new ValueError("The Connection was closed while receiving") : new EOFError();
    if ((error as Error)?.name === "QueueEmptyError") return new TimeoutError(`No message arrived within ${options?.timeout} ms`);
    return error;
  }
}

export function disposeConnection(block: Block): void {
  const words = block.int32(0, WORDS);
  if (words[SEND_REF + 1]) dropStoredBlock(words, SEND_REF);
  if (words[RECV_REF + 1]) dropStoredBlock(words, RECV_REF);
}

/** For wait(): the queue a Connection receives from, and the hook to wait on it with a signal. */
export function waitForMessage(connection: Connection, options: WaitOptions): Promise<boolean> {
  const queue = readers.get(connection);
  if (!queue) throw new ValueError("wait() needs Connections that receive");
  if (connection.closed) throw new ValueError("wait() got a closed Connection");
  return queue[WAIT_READABLE](options);
}

const readers = new WeakMap<Connection, Readable>();
