import { deserialize, serialize } from "node:v8";
import { blockOf, describeKind, isShareable, replaceShareables, scan, type Shareable } from "@multiproc/core/internal";

/**
 * Args, items and results travel as v8's serialization (the same values as
 * structured clone: Map, Set, Date, typed arrays, BigInt, errors), in base64
 * inside the job's JSON. Shareables are refused: shared memory does not
 * cross machines.
 */
export function encodePayload(value: unknown, path: string): string {
  const dirty = scan(value, path, true);
  if (dirty) {
    const found: Shareable[] = [];
    replaceShareables(value, dirty, found);
    const first = found.find((item) => isShareable(item));
    if (first) {
      throw new TypeError(
        `Cannot send ${describeKind(blockOf(first).kind)} in ${path} to a cluster worker: it lives in one machine's shared memory. ` +
          "Pass plain values (keep shared state in Redis, a database, or a remote manager)",
      );
    }
  }
  return serialize(value).toString("base64");
}

export function decodePayload(text: string): unknown {
  return deserialize(Buffer.from(text, "base64"));
}
