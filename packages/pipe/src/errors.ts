import { MultiprocError, registerErrorClass } from "@multiproc/core/internal";

/** `recv` on a connection whose other end is closed, with nothing left to read. */
export class EOFError extends MultiprocError {
  constructor(message = "The other end of the pipe is closed and nothing is left to read", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_EOF", options);
  }

  /** Always `"EOFError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "EOFError";
  }
}

/** `send` on a connection whose other end is closed (Python's BrokenPipeError). */
export class BrokenPipeError extends MultiprocError {
  constructor(message = "The other end of the pipe is closed", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_BROKEN_PIPE", options);
  }

  /** Always `"BrokenPipeError"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "BrokenPipeError";
  }
}

/**
 * `recvBytesInto` got a message longer than the room in the buffer (Python's
 * `BufferTooShort`). The message was consumed: it is here whole, in `bytes`.
 */
export class BufferTooShort extends MultiprocError {
  /** The whole message, which did not fit in the buffer given (Python keeps it in `args[0]`). */
  readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array, options?: ErrorOptions) {
    super(`The message (${bytes?.byteLength} bytes) does not fit in the buffer; it is in \`bytes\``, "ERR_MULTIPROC_BUFFER_TOO_SHORT", options);
    this.bytes = bytes;
  }

  /** Always `"BufferTooShort"`: stable across threads, bundlers and minifiers. */
  override get name(): string {
    return "BufferTooShort";
  }
}

for (const cls of [EOFError, BrokenPipeError, BufferTooShort]) registerErrorClass(cls);
