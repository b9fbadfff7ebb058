import type { TaskSpec } from "@multiproc/core";
import type { Mode } from "./protocol.js";

/**
 * Task and result messages as flat bytes, queued as a Uint8Array (the
 * codec's BYTES path: one copy each way, no serializer). `node:v8`'s
 * serializer costs microseconds per call just to set up, more than a tiny
 * task itself.
 *
 * ```
 * task:   int32 id, int32 fnId, int32 mode, int32 specLength | spec as JSON, padded to 8 | payload
 *         (every task carries its function's spec, encoded once per function: a worker
 *         parses it the first time it meets fnId; tasks move between workers freely)
 * result: int32 id, int32 status | value
 * ```
 * The payload and the value are core codec bytes (shareables included).
 */
const TASK_HEAD = 16;
const RESULT_HEAD = 8;
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

export function writeTask(id: number, fnId: number, mode: Mode, payload: Uint8Array, specBytes: Uint8Array): Uint8Array {
  const at = TASK_HEAD + align8(specBytes.byteLength);
  const out = new Uint8Array(at + payload.byteLength);
  const head = new Int32Array(out.buffer, 0, 4);
  head[0] = id;
  head[1] = fnId;
  head[2] = mode;
  head[3] = specBytes.byteLength;
  out.set(specBytes, TASK_HEAD);
  out.set(payload, at);
  return out;
}

/** The id of a task message. */
export function taskId(message: Uint8Array): number {
  return new Int32Array(message.buffer, message.byteOffset, 1)[0]!;
}

export function readTask(message: Uint8Array): TaskMessage {
  const head = new Int32Array(message.buffer, message.byteOffset, 4);
  const specLength = head[3]!;
  const specBytes = message.subarray(TASK_HEAD, TASK_HEAD + specLength);
  return { id: head[0]!, fnId: head[1]!, mode: head[2] as Mode, specBytes, payload: message.subarray(TASK_HEAD + align8(specLength)) };
}

/** The payload bytes of a task message (to drop its references when it will not run). */
export function taskPayload(message: Uint8Array): Uint8Array {
  const specLength = new Int32Array(message.buffer, message.byteOffset, 4)[3]!;
  return message.subarray(TASK_HEAD + align8(specLength));
}

export function writeResult(id: number, status: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(RESULT_HEAD + value.byteLength);
  const head = new Int32Array(out.buffer, 0, 2);
  head[0] = id;
  head[1] = status;
  out.set(value, RESULT_HEAD);
  return out;
}

export function readResult(message: Uint8Array): { id: number; status: number; value: Uint8Array } {
  const head = new Int32Array(message.buffer, message.byteOffset, 2);
  return { id: head[0]!, status: head[1]!, value: message.subarray(RESULT_HEAD) };
}
