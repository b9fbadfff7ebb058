import { deserialize, serialize } from "node:v8";
import { blockOf, describeKind, isShareable, replaceShareables, scan, type Shareable } from "@multiproc/core/internal";

/**
 * Args, items and results travel as v8's serialization (the same values as
 * structured clone: Map, Set, Date, typed arrays, BigInt, errors), in base64
 * inside the job's JSON. Shareables are refused: shared memory does not
 * cross machines.
 */
export function encodePayload(value: unknown, path: string): string {
  const dirty = plainList(value) ? undefined : scan(value, path, true);
  if (dirty) {
    const found: Shareable[] = [];
    replaceShareables(value, dirty, found);
    const first = found.find((item) => isShareable(item));
    if (first) {
      throw new TypeError(
        `Cannot send ${describeKind(blockOf(first).kind)} in ${path} from one machine to another: it lives in one machine's shared memory. ` +
          "Pass plain values (keep shared state in Redis, a database, or a remote manager)",
      );
    }
  }
  return serialize(value).toString("base64");
}

export function decodePayload(text: string): unknown {
  return deserialize(Buffer.from(text, "base64"));
}

/**
 * An array of primitives, or of arrays of primitives (a map chunk's args):
 * nothing in it can be a shareable or unsendable, so the scan (which builds
 * a path string per element: 1.2 s of a 1M-item map) is skipped.
 */
function plainList(value: unknown): boolean {
  if (!Array.isArray(value) || Object.keys(value).length !== value.length) return false;
  for (const item of value) {
    if (Array.isArray(item)) {
      if (Object.keys(item).length !== item.length) return false;
      for (const arg of item) if (!isPrimitive(arg)) return false;
    } else if (!isPrimitive(item)) return false;
  }
  return true;
}

function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || (type !== "object" && type !== "function" && type !== "symbol");
}
