import { constructRevived, defineKind, KIND } from "@multiproc/core/internal";
import { Connection, disposeConnection } from "./connection.js";

export { Connection } from "./connection.js";
export { BrokenPipeError, BufferTooShort, EOFError } from "./errors.js";
export { Pipe, wait, type PipeOptions } from "./pipe.js";
export { TimeoutError, ValueError, type WaitOptions } from "@multiproc/core";

defineKind({
  kind: KIND.Connection,
  package: "@multiproc/pipe",
  moduleUrl: import.meta.url,
  revive: (block) => constructRevived(block, () => new Connection()),
  dispose: disposeConnection,
});
