import { MultiprocError, registerErrorClass } from "@multiproc/core";

/** `recv` on a connection whose other end is closed, with nothing left to read. */
export class EOFError extends MultiprocError {
  constructor(message = "The other end of the pipe is closed and nothing is left to read", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_EOF", options);
  }

  override get name(): string {
    return "EOFError";
  }
}

/** `send` on a connection whose other end is closed (Python's BrokenPipeError). */
export class BrokenPipeError extends MultiprocError {
  constructor(message = "The other end of the pipe is closed", options?: ErrorOptions) {
    super(message, "ERR_MULTIPROC_BROKEN_PIPE", options);
  }

  override get name(): string {
    return "BrokenPipeError";
  }
}

for (const cls of [EOFError, BrokenPipeError]) registerErrorClass(cls);
