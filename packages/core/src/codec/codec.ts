import { v8Module } from "../builtins.js";
import { arenaById } from "../memory/arena.js";
import { blockOf, releaseBlock, retainBlock, reviveHandle, type Shareable } from "../handle/registry.js";
import { replaceShareables, restoreShareables, scan } from "./walk.js";

/**
 * Byte form of one value, for channels that move bytes (Queue, Pipe). The
 * first byte is a tag; the length is the container's business.
 *
 * ```
 * UNDEFINED NULL TRUE FALSE   tag only
 * INT32                       tag, int32 LE
 * FLOAT64                     tag, float64 LE
 * STRING                      tag, UTF-8 bytes
 * BYTES                       tag, 7 bytes padding, the bytes of a Uint8Array
 * V8                          tag, 7 bytes padding, node:v8 serialization
 * V8_HANDLES                  tag, uint32 count, count x (uint32 kind, uint32 arena id, uint32 offset),
 *                             padding to a multiple of 8, node:v8 serialization
 * INT32S                      tag, 3 bytes padding, uint32 length, the int32s      (a plain array of numbers,
 * FLOAT64S                    tag, 3 bytes padding, uint32 length, the float64s     no holes: map chunks, args)
 * ```
 * Bulk bodies start 8-aligned: encoded bytes often live in shared memory,
 * and V8 copies to or from shared memory byte by byte (about 7x slower)
 * unless both ends are word-aligned.
 * Each handle carries one reference on its block, taken at encode time and
 * handed to the instance revived at decode time.
 */
export const TAG = {
  UNDEFINED: 0,
  NULL: 1,
  TRUE: 2,
  FALSE: 3,
  INT32: 4,
  FLOAT64: 5,
  STRING: 6,
  BYTES: 7,
  V8: 8,
  V8_HANDLES: 9,
  INT32S: 10,
  FLOAT64S: 11,
} as const;

const HANDLE_BYTES = 12;
/** Where a BYTES or V8 body starts. */
const BODY = 8;
const align8 = (n: number) => (n + 7) & ~7;
const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF: the default decoder strips it, so "\uFEFFx" would arrive as "x".
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
// The small fast paths avoid a DataView per value (its creation costs more
// than the rest of the encode): int32 by shifts, float64 through one scratch cell.
const scratchFloat = new Float64Array(1);
const scratchBytes = new Uint8Array(scratchFloat.buffer);

/**
 * Where encode writes its output: `length` bytes the caller owns. Channels
 * pass their own (a reused scratch buffer, a block of shared memory) to save
 * a copy; it is called once per encode, after anything that can throw
 * except itself and before any reference is retained.
 */
export type Allocate = (length: number) => Uint8Array;

const newBytes: Allocate = (length) => new Uint8Array(length);

/**
 * V8's own structured-clone serializer, as postMessage and structuredClone
 * use it: typed arrays arrive on an ArrayBuffer of their own (copied out of
 * the input), views of one buffer keep sharing it, strings keep lone
 * surrogates, arrays keep extra properties. (`v8.serialize` is Node's
 * subclass, which sends typed arrays as host objects: they arrive as views
 * into the input or into Node's 8 KiB Buffer pool, and lose their sharing.)
 */
export function serialize(value: unknown): Uint8Array {
  const serializer = new (v8Module().Serializer)();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}

function deserialize(bytes: Uint8Array): unknown {
  const deserializer = new (v8Module().Deserializer)(bytes);
  deserializer.readHeader();
  return deserializer.readValue();
}

/** Strings whose UTF-8 form would lose something (lone surrogates) take the structured path. */
const isWellFormed = (text: string) => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Encodes `value`; throws a TypeError naming where (`path`) an unsendable
 * part sits, before anything is retained, so a failed encode changes nothing.
 * `plainArray`: the caller made `value` (an array) itself and knows it has
 * no extra properties and no holes, so a big array of numbers need not be
 * checked for them (a pool's map chunks).
 */
export function encode(value: unknown, path = "value", allocate: Allocate = newBytes, plainArray = false): Uint8Array {
  switch (typeof value) {
    case "undefined":
      return tagOnly(TAG.UNDEFINED, allocate);
    case "boolean":
      return tagOnly(value ? TAG.TRUE : TAG.FALSE, allocate);
    case "number":
      return encodeNumber(value, allocate);
    case "string":
      return encodeString(value, allocate);
    default:
      if (value === null) return tagOnly(TAG.NULL, allocate);
      if (value instanceof Uint8Array && value.constructor === Uint8Array && !(value.buffer instanceof SharedArrayBuffer)) {
        const out = allocate(BODY + value.byteLength);
        out.fill(0, 0, BODY);
        out[0] = TAG.BYTES;
        out.set(value, BODY);
        return out;
      }
      if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype && (plainArray || Object.keys(value).length === value.length)) {
        const numbers = encodeNumbers(value, allocate);
        if (numbers) return numbers;
      }
      return encodeStructured(value, path, allocate);
  }
}

/**
 * What `encode` gives for the bytes `write` writes, written in place:
 * `write` gets an Allocate for them (its contract as encode's: called once,
 * after anything that can throw) and returns the part it filled. For a
 * message built only to be encoded (a pool's result, its value encoded
 * inside), this saves the message's own buffer and a copy of it: a fresh
 * megabyte costs milliseconds of page faults on the VMs measured.
 */
export function encodeBytesWith(write: (allocate: Allocate) => Uint8Array, allocate: Allocate): Uint8Array {
  let out: Uint8Array | undefined;
  const body = write((length) => (out = allocate(BODY + length)).subarray(BODY));
  out!.fill(0, 0, BODY);
  out![0] = TAG.BYTES;
  return out!.subarray(0, BODY + body.byteLength);
}

/** The bytes of an encoded Uint8Array, as a view of `encoded` (no copy); undefined for an encoding of anything else. */
export function bytesContent(encoded: Uint8Array): Uint8Array | undefined {
  return encoded[0] === TAG.BYTES ? encoded.subarray(BODY) : undefined;
}

/**
 * An array of numbers as a typed body: a loop each way instead of v8's
 * serializer (5-10x faster for a map chunk of ints), and nothing to scan.
 * Undefined when an element is not a number (a hole reads as undefined).
 */
function encodeNumbers(value: unknown[], allocate: Allocate): Uint8Array | undefined {
  const length = value.length;
  let ints = true;
  for (let i = 0; i < length; i++) {
    const n = value[i];
    if (typeof n !== "number") return undefined;
    if (ints && ((n | 0) !== n || (n === 0 && 1 / n < 0))) ints = false;
  }
  const width = ints ? 4 : 8;
  const out = allocate(BODY + length * width);
  out.fill(0, 1, BODY);
  out[0] = ints ? TAG.INT32S : TAG.FLOAT64S;
  for (let i = 0, n = length; i < 4; i++, n >>>= 8) out[4 + i] = n & 0xff;
  if (length === 0) return out;
  // Written through a typed view when the output is aligned for it (the usual case), else through a copy.
  const at = out.byteOffset + BODY;
  const aligned = at % width === 0;
  const numbers = ints
    ? new Int32Array(aligned ? out.buffer : new ArrayBuffer(length * 4), aligned ? at : 0, length)
    : new Float64Array(aligned ? out.buffer : new ArrayBuffer(length * 8), aligned ? at : 0, length);
  for (let i = 0; i < length; i++) numbers[i] = value[i] as number;
  if (!aligned) out.set(new Uint8Array(numbers.buffer), BODY);
  return out;
}

function decodeNumbers(bytes: Uint8Array, ints: boolean): number[] {
  const length = (bytes[4]! | (bytes[5]! << 8) | (bytes[6]! << 16) | (bytes[7]! << 24)) >>> 0;
  if (length === 0) return [];
  const width = ints ? 4 : 8;
  // Typed views need an aligned offset; the bytes are usually aligned (see BODY), else copy them out first.
  const at = bytes.byteOffset + BODY;
  const source = at % width === 0 ? bytes.buffer : bytes.slice(BODY, BODY + length * width).buffer;
  const from = at % width === 0 ? at : 0;
  const numbers = ints ? new Int32Array(source, from, length) : new Float64Array(source, from, length);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = numbers[i]!;
  return out;
}

function tagOnly(tag: number, allocate: Allocate): Uint8Array {
  const out = allocate(1);
  out[0] = tag;
  return out;
}

function encodeNumber(value: number, allocate: Allocate): Uint8Array {
  if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
    const out = allocate(5);
    out[0] = TAG.INT32;
    out[1] = value;
    out[2] = value >> 8;
    out[3] = value >> 16;
    out[4] = value >> 24;
    return out;
  }
  const out = allocate(9);
  out[0] = TAG.FLOAT64;
  scratchFloat[0] = value;
  for (let i = 0; i < 8; i++) out[1 + i] = scratchBytes[i]!;
  return out;
}

/** Strings this short are encoded straight into the output (3 bytes per UTF-16 unit at most) and trimmed. */
const SHORT_STRING = 4096;

function encodeString(value: string, allocate: Allocate): Uint8Array {
  if (!isWellFormed(value)) return encodeStructured(value, "value", allocate);
  if (value.length <= SHORT_STRING) {
    const out = allocate(1 + value.length * 3);
    out[0] = TAG.STRING;
    const { written } = encoder.encodeInto(value, out.subarray(1));
    return out.subarray(0, 1 + written);
  }
  // A long string: its exact UTF-8 length first, so a large output is not over-allocated.
  const out = allocate(1 + Buffer.byteLength(value, "utf8"));
  out[0] = TAG.STRING;
  encoder.encodeInto(value, out.subarray(1));
  return out;
}

function encodeStructured(value: unknown, path: string, allocate: Allocate): Uint8Array {
  const dirty = scan(value, path, true);
  const shareables: Shareable[] = [];
  const plain = dirty ? replaceShareables(value, dirty, shareables) : value;
  let body: Uint8Array;
  try {
    body = serialize(plain);
  } catch (error) {
    throw locateUnserializable(value, path, error);
  }
  if (shareables.length === 0) {
    const out = allocate(BODY + body.byteLength);
    out.fill(0, 0, BODY);
    out[0] = TAG.V8;
    out.set(body, BODY);
    return out;
  }
  // Every block first: a shareable that refuses to be sent (a released one) throws before anything is retained.
  const blocks = shareables.map(blockOf);
  const head = align8(5 + shareables.length * HANDLE_BYTES);
  const out = allocate(head + body.byteLength);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  out.fill(0, 0, head);
  out[0] = TAG.V8_HANDLES;
  view.setUint32(1, shareables.length, true);
  blocks.forEach((block, i) => {
    retainBlock(block);
    view.setUint32(5 + i * HANDLE_BYTES, block.kind, true);
    view.setUint32(9 + i * HANDLE_BYTES, block.arena.id, true);
    view.setUint32(13 + i * HANDLE_BYTES, block.offset, true);
  });
  out.set(body, head);
  return out;
}

/**
 * Decodes what `encode` made; `bytes` may be a view over shared memory. What
 * it returns owns its memory: nothing in it points into `bytes`.
 */
export function decode(bytes: Uint8Array): unknown {
  switch (bytes[0]) {
    case TAG.UNDEFINED:
      return undefined;
    case TAG.NULL:
      return null;
    case TAG.TRUE:
      return true;
    case TAG.FALSE:
      return false;
    case TAG.INT32:
      return bytes[1]! | (bytes[2]! << 8) | (bytes[3]! << 16) | (bytes[4]! << 24);
    case TAG.FLOAT64:
      for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[1 + i]!;
      return scratchFloat[0];
    case TAG.STRING:
      return decoder.decode(bytes.subarray(1));
    case TAG.BYTES: {
      // new + set: slice() of a view over shared memory is several times slower.
      const out = new Uint8Array(bytes.byteLength - BODY);
      out.set(bytes.subarray(BODY));
      return out;
    }
    case TAG.V8:
      return deserialize(bytes.subarray(BODY));
    case TAG.INT32S:
      return decodeNumbers(bytes, true);
    case TAG.FLOAT64S:
      return decodeNumbers(bytes, false);
    case TAG.V8_HANDLES: {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = view.getUint32(1, true);
      const revived: object[] = [];
      for (let i = 0; i < count; i++) {
        const at = 5 + i * HANDLE_BYTES;
        try {
          revived.push(reviveHandle(view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true)));
        } catch (error) {
          // The handles revived so far own their references (they let go when
          // collected); this one and the rest still hold the encoder's.
          releaseHandles(view, i, count);
          throw withUndecoded(error, bytes.subarray(align8(5 + count * HANDLE_BYTES)));
        }
      }
      return restoreShareables(deserialize(bytes.subarray(align8(5 + count * HANDLE_BYTES))), revived);
    }
    default:
      throw new TypeError(`Cannot decode a value with tag ${bytes[0]}: the bytes are not multiproc codec output`);
  }
}

/**
 * On the error of a decode whose shareables could not be revived: the rest
 * of the value, each shareable left as the placeholder it travelled as. A
 * reader of replies finds there which request the lost reply answered (a
 * manager's reply is `[id, ...]`), to fail that request instead of every
 * one it waits for.
 */
export const UNDECODED: unique symbol = Symbol.for("multiproc.codec.undecoded") as never;

/** What an error says was decoded besides the shareables it could not revive (see UNDECODED); undefined for any other error. */
export function undecodedOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as Record<symbol, unknown>)[UNDECODED] : undefined;
}

function withUndecoded(error: unknown, body: Uint8Array): unknown {
  if (typeof error !== "object" || error === null) return error;
  try {
    Object.defineProperty(error, UNDECODED, { value: deserialize(body), configurable: true });
  } catch {
    // Only a hint: the error itself is what the caller gets.
  }
  return error;
}

/**
 * Drops the references that encoded bytes hold (one per handle), for bytes
 * that will never be decoded: a put that failed, a queue freed with items in it.
 */
export function discardEncoded(bytes: Uint8Array): void {
  if (bytes[0] !== TAG.V8_HANDLES) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  releaseHandles(view, 0, view.getUint32(1, true));
}

/** Drops the references of handles [from, to) of a V8_HANDLES encoding. */
function releaseHandles(view: DataView, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const at = 5 + i * HANDLE_BYTES;
    const arena = arenaById(view.getUint32(at + 4, true));
    if (arena) releaseBlock(arena, view.getUint32(at + 8, true));
  }
}

/**
 * v8 refused something `scan` let through (a host object such as a
 * MessagePort, a SharedArrayBuffer in bytes): find the deepest path that
 * still fails on its own, for the error message.
 */
export function locateUnserializable(value: unknown, path: string, error: unknown): TypeError {
  let where = path;
  let current: unknown = value;
  for (let depth = 0; depth < 64 && typeof current === "object" && current !== null; depth++) {
    const entries: [string, unknown][] =
      current instanceof Map
        ? [...current].map(([k, v], i) => [typeof k === "string" ? `.${k}` : `.<entry ${i}>`, v])
        : current instanceof Set
          ? [...current].map((v, i) => [`.<item ${i}>`, v])
          : Object.keys(current).map((k) => [Array.isArray(current) ? `[${k}]` : `.${k}`, (current as Record<string, unknown>)[k]]);
    const failing = entries.find(([, v]) => {
      try {
        serialize(v);
        return false;
      } catch {
        return true;
      }
    });
    if (!failing) break;
    where += failing[0];
    current = failing[1];
  }
  const name = (current as object)?.constructor?.name ?? typeof current;
  const hint =
    current instanceof SharedArrayBuffer
      ? "a SharedArrayBuffer cannot travel as bytes; use SharedMemory or SharedArray from @multiproc/shared-value"
      : `it is an object that cannot be cloned (${name})`;
  return new TypeError(`Cannot send ${where}: ${hint}`, { cause: error });
}
