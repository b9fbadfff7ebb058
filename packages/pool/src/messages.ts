import { decode, type Allocate, type TaskSpec } from "@multiproc/core/internal";
import type { Mode } from "./protocol.js";
import { slabBytes } from "./slab.js";

/**
 * Task and result messages as flat bytes, queued as a Uint8Array (the
 * codec's BYTES path, no serializer; a result is written straight into the
 * results queue and read where it lies there). Int32s are little-endian. `node:v8`'s
 * serializer costs microseconds per call just to set up, more than a tiny
 * task itself.
 *
 * ```
 * task:   int32 id, int32 fnId, int32 mode, int32 specLength | spec as JSON, padded to 8 | payload
 *         (every task carries its function's spec, encoded once per function: a worker
 *         parses it the first time it meets fnId; tasks move between workers freely)
 * result: int32 id, int32 status, uint32 run time in µs, 4 bytes unused | value
 * ```
 * The payload and the value are core codec bytes (shareables included).
 */
const TASK_HEAD = 16;
const RESULT_HEAD = 16; // keeps the value 8-aligned
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const align8 = (n: number) => (n + 7) & ~7;

export interface TaskMessage {
  id: number;
  fnId: number;
  mode: Mode;
  specBytes: Uint8Array;
  payload: Uint8Array;
}

export function encodeSpec(spec: TaskSpec): Uint8Array {
  return encoder.encode(JSON.stringify(spec));
}

export function decodeSpec(bytes: Uint8Array): TaskSpec {
  return JSON.parse(decoder.decode(bytes)) as TaskSpec;
}

/**
 * A task message whose payload `encodePayload` writes straight into it (one
 * buffer per task, no copy): it gets an `allocate` for core's encode. The id
 * is set at dispatch (setTaskId); the message is kept until the task is
 * done, to be queued again if its worker dies before starting it.
 */
export function newTask(fnId: number, mode: Mode, specBytes: Uint8Array, encodePayload: (allocate: (length: number) => Uint8Array) => Uint8Array): Uint8Array {
  const at = TASK_HEAD + align8(specBytes.byteLength);
  let out: Uint8Array | undefined;
  const payload = encodePayload((length) => {
    out = slabBytes(at + length);
    return new Uint8Array(out.buffer, out.byteOffset + at, length);
  });
  writeInt32(out!, 4, fnId);
  writeInt32(out!, 8, mode);
  writeInt32(out!, 12, specBytes.byteLength);
  out!.set(specBytes, TASK_HEAD);
  // An encode may use less than it asked for (a string's UTF-8 length is a guess).
  return new Uint8Array(out!.buffer, out!.byteOffset, at + payload.byteLength);
}

export function setTaskId(message: Uint8Array, id: number): void {
  writeInt32(message, 0, id);
}

/** The function id of a task message. */
export function taskFnId(message: Uint8Array): number {
  return readInt32(message, 4);
}

/** The id of a task message. */
export function taskId(message: Uint8Array): number {
  return readInt32(message, 0);
}

// Header words by bytes: a typed view per message would cost more than the message.
function writeInt32(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value;
  bytes[at + 1] = value >> 8;
  bytes[at + 2] = value >> 16;
  bytes[at + 3] = value >> 24;
}

function readInt32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

export function readTask(message: Uint8Array): TaskMessage {
  const specLength = readInt32(message, 12);
  const specBytes = message.subarray(TASK_HEAD, TASK_HEAD + specLength);
  return { id: readInt32(message, 0), fnId: readInt32(message, 4), mode: readInt32(message, 8) as Mode, specBytes, payload: message.subarray(TASK_HEAD + align8(specLength)) };
}

/** The payload bytes of a task message (to drop its references when it will not run). */
export function taskPayload(message: Uint8Array): Uint8Array {
  return message.subarray(TASK_HEAD + align8(readInt32(message, 12)));
}

/**
 * Writes a result message, its value encoded straight into it by
 * `encodeValue`, into memory `allocate` gives (the results queue's own:
 * putBytesWith). `micros`: how long the task ran, which sets how far ahead
 * the pool hands tasks out (engine.ts).
 */
export function writeResult(allocate: Allocate, id: number, status: number, micros: number, encodeValue: (allocate: Allocate) => Uint8Array): Uint8Array {
  let out: Uint8Array | undefined;
  const value = encodeValue((length) => (out = allocate(RESULT_HEAD + length)).subarray(RESULT_HEAD));
  out!.fill(0, 12, RESULT_HEAD); // the memory may hold an older item's bytes
  writeInt32(out!, 0, id);
  writeInt32(out!, 4, status);
  writeInt32(out!, 8, Math.min(Math.round(micros), 2 ** 31 - 1));
  return out!.subarray(0, RESULT_HEAD + value.byteLength);
}

/** A result as the pool's thread reads it. */
export interface Result {
  readonly id: number;
  readonly status: number;
  /** How long the task ran, in microseconds. */
  readonly micros: number;
  /** The value or serialized error; the decode error if the value cannot be rebuilt in this thread (`unreadable`). */
  readonly value: unknown;
  readonly unreadable: boolean;
}

/**
 * Reads a result message where it lies in the results queue (readBytesWith):
 * the value is decoded from there, with no copy of the message first.
 */
export function readResult(message: Uint8Array): Result {
  let value: unknown;
  let unreadable = false;
  try {
    value = decode(message.subarray(RESULT_HEAD));
  } catch (error) {
    // A result this thread cannot read (a handle of a package that cannot
    // be loaded here) fails its own task, never the pump: thrown there, it
    // would end the process.
    unreadable = true;
    value = error;
  }
  return { id: readInt32(message, 0), status: readInt32(message, 4), micros: readInt32(message, 8), value, unreadable };
}
