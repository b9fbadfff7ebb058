import type { TaskSpec } from "@multiproc/core/internal";
import type { Mode } from "./protocol.js";
import { slabBytes } from "./slab.js";

/**
 * Task and result messages as flat bytes, queued as a Uint8Array (the
 * codec's BYTES path: one copy each way, no serializer). Int32s are little-endian. `node:v8`'s
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
 * A result message whose value `encodeValue` writes straight into it, as
 * newTask. `micros`: how long the task ran, which sets how far ahead the pool
 * hands tasks out (engine.ts).
 */
export function newResult(id: number, status: number, micros: number, encodeValue: (allocate: (length: number) => Uint8Array) => Uint8Array): Uint8Array {
  let out: Uint8Array | undefined;
  const value = encodeValue((length) => (out = new Uint8Array(RESULT_HEAD + length)).subarray(RESULT_HEAD));
  writeInt32(out!, 0, id);
  writeInt32(out!, 4, status);
  writeInt32(out!, 8, Math.min(Math.round(micros), 2 ** 31 - 1));
  return out!.subarray(0, RESULT_HEAD + value.byteLength);
}

export function resultId(message: Uint8Array): number {
  return readInt32(message, 0);
}

export function resultStatus(message: Uint8Array): number {
  return readInt32(message, 4);
}

/** How long the task ran, in microseconds. */
export function resultMicros(message: Uint8Array): number {
  return readInt32(message, 8);
}

export function resultValue(message: Uint8Array): Uint8Array {
  return new Uint8Array(message.buffer, message.byteOffset + RESULT_HEAD, message.byteLength - RESULT_HEAD);
}
