import {
  claimBlock,
  describe,
  dropStoredBlock,
  KIND,
  reviveStoredBlock,
  SHAREABLE,
  storeBlock,
  TAG,
  unbindBlock,
  WAITABLE,
  type WaitableHooks,
  TimeoutError,
  timeoutOf,
  ValueError,
  type Block,
  type Shareable,
  type WaitOptions,
} from "@multiproc/core/internal";
import { Queue, QueueClosedError } from "@multiproc/queue";
import { getIf, getIfSync, waitUntilReadable, waitUntilReadableSync, type GetFilter } from "@multiproc/queue/internal";
import { BrokenPipeError, BufferTooShort, EOFError } from "./errors.js";

/**
 * Payload of a Connection block (int32 words):
 * ```
 * 0-1 SEND_REF  the queue this end sends on (arena id, offset); 0 0 for a receive-only end
 * 2-3 RECV_REF  the queue it receives from; 0 0 for a send-only end
 * 4   CLOSED    1 once this end is closed for good: every holder closed it, dropped it, or died
 * ```
 * A duplex Pipe is two queues, one each way; a one-way Pipe is one.
 */
const SEND_REF = 0;
const RECV_REF = 2;
const CLOSED = 4;
const WORDS = 6;

/**
 * What recvBytes takes: a message sent as bytes (sendBytes, or send of a
 * plain Uint8Array). Anything else stays in the pipe for recv(), and
 * recvBytes throws a TypeError that says so.
 */
const BYTES_ONLY: GetFilter = {
  accept: (tag) => tag === TAG.BYTES,
  refuse: () => new TypeError("recvBytes() found a message that was not sent as bytes (sent with send()); it is left in the pipe: use recv() for it"),
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
 * As with Python's file descriptors, each thread's handle is its own:
 * `close()` closes this handle, and the end closes (the other end gets
 * EOFError once it has read everything, and BrokenPipeError when it sends)
 * when every handle to it is closed, dropped or held by a thread that died.
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
  readonly #recv: Queue<unknown> | undefined;
  /** This handle was closed (the end itself may live on in other threads). */
  #closed = false;

  /** Use `Pipe()`. */
  constructor() {
    const { block, revived } = claimBlock(this, KIND.Connection, WORDS * 4);
    this.#block = block;
    this.#words = block.int32(0, WORDS);
    if (!revived) {
      if (!creating) throw new TypeError("Connections come from Pipe(): new Connection() is not supported");
      if (creating.send) storeBlock(this.#words, SEND_REF, creating.send[SHAREABLE]());
      if (creating.recv) storeBlock(this.#words, RECV_REF, creating.recv[SHAREABLE]());
    }
    // Queue instances of its own, which close() lets go of.
    this.#send = this.#words[SEND_REF + 1] ? (reviveStoredBlock(this.#words, SEND_REF, KIND.Queue) as Queue<unknown>) : undefined;
    this.#recv = this.#words[RECV_REF + 1] ? (reviveStoredBlock(this.#words, RECV_REF, KIND.Queue) as Queue<unknown>) : undefined;
  }

  /** This handle was closed, or the end was (no thread holds it open any more). */
  get closed(): boolean {
    return this.#closed || Atomics.load(this.#words, CLOSED) === 1;
  }

  /** Whether this end receives (false for the sending end of a one-way Pipe). */
  get readable(): boolean {
    return this.#recv !== undefined;
  }

  /** Whether this end sends (false for the receiving end of a one-way Pipe). */
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
  async recv<T = unknown>(options?: WaitOptions | number): Promise<T> {
    const queue = this.#receiver();
    try {
      return (await queue.get(options)) as T;
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  /** `recv()` that blocks this thread. */
  recvSync<T = unknown>(options?: WaitOptions | number): T {
    const queue = this.#receiver();
    try {
      return queue.getSync(options) as T;
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  /**
   * The next message, which must have been sent as bytes (`sendBytes`, or a
   * plain Uint8Array); a TypeError otherwise, and that message stays in the
   * pipe for `recv()`. EOFError and timeouts as `recv()`.
   */
  async recvBytes(options?: WaitOptions | number): Promise<Uint8Array> {
    const queue = this.#receiver();
    try {
      return await getIf(queue as Queue<Uint8Array>, BYTES_ONLY, options);
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  /** `recvBytes()` that blocks this thread. */
  recvBytesSync(options?: WaitOptions | number): Uint8Array {
    const queue = this.#receiver();
    try {
      return getIfSync(queue as Queue<Uint8Array>, BYTES_ONLY, options);
    } catch (error) {
      throw this.#translate(error, options);
    }
  }

  /**
   * Receives a bytes message into `buffer` from byte `offset` and resolves
   * with its length (Python's `recv_bytes_into`). If it does not fit, it is
   * consumed all the same and BufferTooShort carries it whole (`error.bytes`).
   */
  async recvBytesInto(buffer: ArrayBufferView | ArrayBuffer | SharedArrayBuffer, offset = 0, options?: WaitOptions | number): Promise<number> {
    const target = writableBytes(buffer, offset);
    return copyInto(target, offset, await this.recvBytes(options));
  }

  /** `recvBytesInto()` that blocks this thread. */
  recvBytesIntoSync(buffer: ArrayBufferView | ArrayBuffer | SharedArrayBuffer, offset = 0, options?: WaitOptions | number): number {
    const target = writableBytes(buffer, offset);
    return copyInto(target, offset, this.recvBytesSync(options));
  }

  /**
   * Whether a recv would not wait (a message, or the end of the pipe, is
   * there), after waiting up to the timeout (ms, or `{ timeout, signal }`)
   * for one. Timeout 0 (or less) just checks; no timeout waits until one of the two.
   */
  async poll(options?: WaitOptions | number): Promise<boolean> {
    return waitUntilReadable(this.#receiver(), options);
  }

  /** `poll()` that blocks this thread. */
  pollSync(options?: WaitOptions | number): boolean {
    return waitUntilReadableSync(this.#receiver(), options);
  }

  /**
   * Closes this handle, and lets go of its shared memory at once. Once every
   * handle to this end is closed (or dropped, or its thread died), the other
   * end reads what is left, then gets EOFError.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const queue of [this.#send, this.#recv]) if (queue) unbindBlock(queue);
    unbindBlock(this); // the last handle's release closes the end (disposeConnection)
  }

  /** `using conn = …`: close() on leaving the block. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** `await using conn = …`: close() on leaving the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  /** The shareable protocol: the block a copy of this object in another thread is revived from. */
  [SHAREABLE](): Block {
    return this.#block;
  }

  /** For wait(): ready when a recv would not wait. ValueError for a closed end or one that only sends. */
  [WAITABLE](): WaitableHooks {
    const queue = this.#receiver();
    return { ready: () => waitUntilReadableSync(queue, 0), wait: (options) => waitUntilReadable(queue, options) };
  }

  /** `<Connection at 0x2a0 readable writable>`, or `closed`; the address is the same in every thread. */
  toString(): string {
    const state = this.closed ? ["closed"] : [this.readable && "readable", this.writable && "writable"].filter(Boolean);
    return `<Connection at 0x${this.#block.offset.toString(16)} ${state.join(" ")}>`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }


  #sender(): Queue<unknown> {
    if (this.closed) throw new ValueError("Cannot send on a closed Connection");
    if (!this.#send) throw new ValueError("This end of a one-way Pipe only receives");
    return this.#send;
  }

  #receiver(): Queue<unknown> {
    if (this.closed) throw new ValueError("Cannot receive on a closed Connection");
    if (!this.#recv) throw new ValueError("This end of a one-way Pipe only sends");
    return this.#recv;
  }

  #translate(error: unknown, options: WaitOptions | number | undefined): unknown {
    if (error instanceof QueueClosedError) return this.closed ? new ValueError("The Connection was closed while receiving") : new EOFError();
    if ((error as Error)?.name === "QueueEmptyError") return new TimeoutError(`No message arrived within ${timeoutOf(options)} ms`);
    return error;
  }
}

/** `buffer` as bytes to write into, with `offset` checked against it. */
function writableBytes(buffer: ArrayBufferView | ArrayBuffer | SharedArrayBuffer, offset: number): Uint8Array {
  const bytes = ArrayBuffer.isView(buffer)
    ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    : buffer instanceof ArrayBuffer || buffer instanceof SharedArrayBuffer
      ? new Uint8Array(buffer)
      : undefined;
  if (!bytes) throw new TypeError(`Expected \`buffer\` to be an ArrayBuffer or a view of one, got ${describe(buffer)}`);
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > bytes.byteLength) {
    throw new ValueError(`\`offset\` ${describe(offset)} is outside the buffer (${bytes.byteLength} bytes)`);
  }
  return bytes;
}

function copyInto(target: Uint8Array, offset: number, message: Uint8Array): number {
  if (message.byteLength > target.byteLength - offset) throw new BufferTooShort(message);
  target.set(message, offset);
  return message.byteLength;
}

/**
 * The last reference to an end is gone: every thread that held it dropped
 * it, or died (its parent released what it held). As when a process that
 * holds an end of a Python pipe exits, the end is closed: the other end
 * reads what is left, then gets EOFError, and its sends BrokenPipeError.
 */
export function disposeConnection(block: Block): void {
  const words = block.int32(0, WORDS);
  if (Atomics.exchange(words, CLOSED, 1) === 0) {
    for (const ref of [SEND_REF, RECV_REF]) {
      if (!words[ref + 1]) continue;
      const queue = reviveStoredBlock(words, ref, KIND.Queue) as Queue<unknown>;
      queue.close();
      unbindBlock(queue); // at once, not when collected (close() did if the queue was empty)
    }
  }
  if (words[SEND_REF + 1]) dropStoredBlock(words, SEND_REF);
  if (words[RECV_REF + 1]) dropStoredBlock(words, RECV_REF);
}
