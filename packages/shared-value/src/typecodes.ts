import { describe, ValueError } from "@multiproc/core/internal";

/** The typed array a typecode reads and writes through: `raw` and `getObj()` of a SharedArray. */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export interface TypeInfo {
  /** The JS name, also the canonical one. */
  readonly name: string;
  /** Stored in block headers. */
  readonly id: number;
  readonly bytes: number;
  readonly bigint: boolean;
  /** Integer typecodes: atomic loads, stores and read-modify-writes. */
  readonly integer: boolean;
  /** `char` (Python's 'c'): one byte, read as a 1-character string. */
  readonly char: boolean;
  readonly min: number | bigint;
  readonly max: number | bigint;
  view(buffer: SharedArrayBuffer, byteOffset: number, length: number): TypedArray;
  /** `value` converted as storing it in this type converts it (integers wrap like the C type). */
  wrap(value: number | bigint): number | bigint;
}

function info(
  id: number,
  name: string,
  ctor: { new (buffer: SharedArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number },
  min: number | bigint,
  max: number | bigint,
): TypeInfo {
  const bigint = typeof min === "bigint";
  const integer = !name.startsWith("float");
  // One private cell per type: storing into it is the conversion.
  const scratch = new ctor(new SharedArrayBuffer(8), 0, 1);
  const wrap = (value: number | bigint) => {
    scratch[0] = value as never;
    return scratch[0]!;
  };
  return { id, name, bytes: ctor.BYTES_PER_ELEMENT, bigint, integer, char: false, min, max, view: (b, o, l) => new ctor(b, o, l), wrap };
}

/**
 * Python's 'c' (c_char): one byte. JS has no bytes type, so an element reads
 * as a 1-character string ("\x00" to "\xff", Latin-1), and is written as
 * such a string, a 1-byte Uint8Array, or a number 0-255. No atomic
 * arithmetic: a char is not a number in Python either.
 */
const CHAR: TypeInfo = { ...info(11, "char", Uint8Array, 0, 255), integer: false, char: true };

const TYPES: TypeInfo[] = [
  info(1, "int8", Int8Array, -128, 127),
  info(2, "uint8", Uint8Array, 0, 255),
  info(3, "int16", Int16Array, -32768, 32767),
  info(4, "uint16", Uint16Array, 0, 65535),
  info(5, "int32", Int32Array, -(2 ** 31), 2 ** 31 - 1),
  info(6, "uint32", Uint32Array, 0, 2 ** 32 - 1),
  info(7, "bigint64", BigInt64Array, -(2n ** 63n), 2n ** 63n - 1n),
  info(8, "biguint64", BigUint64Array, 0n, 2n ** 64n - 1n),
  info(9, "float32", Float32Array, -Infinity, Infinity),
  info(10, "float64", Float64Array, -Infinity, Infinity),
  CHAR,
];

/**
 * Python's ctypes typecodes and their JS names. `l`/`L` (C long) are 32-bit
 * here, because they hold plain numbers (as C long on Windows); `q`/`Q` and
 * the bigint names are the 64-bit ones and hold bigints.
 */
const ALIASES: Record<string, string> = {
  b: "int8",
  B: "uint8",
  h: "int16",
  H: "uint16",
  i: "int32",
  I: "uint32",
  l: "int32",
  L: "uint32",
  q: "bigint64",
  Q: "biguint64",
  f: "float32",
  d: "float64",
  c: "char",
};

/**
 * A typecode, as Python's `array`/`ctypes` letters ("i", "d", "q", ...) or their JS names ("int32", "float64", "bigint64", ...).
 */
export type Typecode =
  | "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d" | "c"
  | "int8" | "uint8" | "int16" | "uint16" | "int32" | "uint32" | "bigint64" | "biguint64" | "float32" | "float64" | "char";

/** The element type of a typecode: bigint for the 64-bit integer ones, a 1-character string for char, number for the rest. */
export type ValueOf<T extends Typecode> = T extends "q" | "Q" | "bigint64" | "biguint64" ? bigint : T extends "c" | "char" ? string : number;

export function typeOf(typecode: unknown): TypeInfo {
  const name = typeof typecode === "string" ? (ALIASES[typecode] ?? typecode) : undefined;
  const type = TYPES.find((t) => t.name === name);
  if (!type) {
    throw new ValueError(
      `Unknown typecode ${describe(typecode)}: expected one of ${Object.keys(ALIASES).join(" ")} or ${TYPES.map((t) => t.name).join(", ")}`,
    );
  }
  return type;
}

export function typeById(id: number): TypeInfo {
  const type = TYPES.find((t) => t.id === id);
  if (!type) throw new Error(`multiproc: no typecode with id ${id} (corrupt shared value block?)`);
  return type;
}

/** Checks that `value` fits `type` (TypeError for the wrong kind, RangeError out of range); returns it as stored. */
export function checkElement(type: TypeInfo, value: unknown, where: string): number | bigint {
  if (type.char) return checkChar(value, where);
  if (type.bigint) {
    if (typeof value !== "bigint") throw new TypeError(`Expected ${where} to be a bigint for typecode ${type.name}, got ${describe(value)}`);
  } else if (typeof value !== "number") {
    throw new TypeError(`Expected ${where} to be a number for typecode ${type.name}, got ${describe(value)}`);
  } else if (type.integer && !Number.isInteger(value)) {
    throw new TypeError(`Expected ${where} to be an integer for typecode ${type.name}, got ${value}`);
  }
  if (type.integer && (value < type.min || value > type.max)) {
    throw new RangeError(`Expected ${where} to be in [${type.min}, ${type.max}] for typecode ${type.name}, got ${describe(value)}`);
  }
  return value;
}

function checkChar(value: unknown, where: string): number {
  if (typeof value === "string" && value.length === 1 && value.charCodeAt(0) <= 0xff) return value.charCodeAt(0);
  if (value instanceof Uint8Array && value.length === 1) return value[0]!;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xff) return value;
  throw new TypeError(`Expected ${where} to be a 1-character string ("\\x00" to "\\xff"), a 1-byte Uint8Array or a number 0-255 for typecode char, got ${describe(value)}`);
}

/** An element as read: the stored number, or its character for `char`. */
export function fromStored(type: TypeInfo, stored: number | bigint): number | bigint | string {
  return type.char ? String.fromCharCode(stored as number) : stored;
}

/** The value an element has before anything is written: 0, 0n, or "\x00". */
export function zeroOf(type: TypeInfo): number | bigint | string {
  return type.bigint ? 0n : type.char ? "\x00" : 0;
}

/** Atomics work on integer views only. */
export function checkAtomic(type: TypeInfo): void {
  if (!type.integer) throw new TypeError(`Atomic operations need an integer typecode; this one is ${type.name}`);
}

