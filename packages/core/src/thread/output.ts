import { fsModule } from "../builtins.js";

/**
 * A worker's `process.stdout` and `process.stderr` normally send what is
 * written to the parent thread as messages, which reach the terminal only
 * when the parent's event loop turns: never while it blocks in a `…Sync`
 * wait (a `joinSync()` then waits forever for a child that waits for its
 * output to drain), late while it is busy, and not at all if the worker is
 * terminated first. File descriptors belong to the whole OS process, so a
 * worker multiproc starts writes to fd 1 and 2 itself, synchronously, as
 * Python's children do: in order, at once, whatever the parent is doing.
 *
 * Each `write()` is one `write(2)` call (when the kernel takes it whole), so
 * a `console.log` line is not interleaved with other threads' output; pipes
 * guarantee that for writes of up to 4 KiB (PIPE_BUF).
 */
export function writeOutputDirectly(): void {
  redirect(process.stdout, 1);
  redirect(process.stderr, 2);
}

type WriteCallback = (error?: Error | null) => void;

function redirect(stream: NodeJS.WriteStream, fd: number): void {
  stream.write = function write(chunk: unknown, encoding?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean {
    if (typeof encoding === "function") {
      callback = encoding;
      encoding = undefined;
    }
    let error: Error | null = null;
    try {
      writeAll(fd, toBytes(chunk, encoding));
    } catch (caught) {
      error = caught as Error;
    }
    if (callback) process.nextTick(callback, error);
    else if (error && (error as NodeJS.ErrnoException).code !== "EPIPE") throw error;
    return true;
  } as typeof stream.write;
}

function toBytes(chunk: unknown, encoding: BufferEncoding | undefined): Uint8Array {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding ?? "utf8");
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`The "chunk" argument must be of type string or an instance of Buffer or Uint8Array, got ${typeof chunk}`);
}

/** A cell to sleep on while a non-blocking descriptor is full. */
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes every byte, retrying partial writes, and waiting a little while the descriptor is full (EAGAIN). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.byteLength) {
    try {
      at += fsModule().writeSync(fd, bytes, at, bytes.byteLength - at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
