import type { Socket } from "node:net";
import { deserialize, serialize } from "node:v8";
import { blockOf, describeKind, replaceShareables, restoreShareables, scan, unbindBlock, type Shareable } from "@multiproc/core/internal";

/**
 * A remote manager's connection: frames of a 4-byte big-endian length and
 * that many bytes (Python's `multiprocessing.connection` framing), each a
 * v8-serialized message. Proxies inside a message travel as markers
 * `[objectId, typeCode]` listed beside it (every other shareable lives in
 * one machine's shared memory and is refused with a TypeError).
 *
 * Only loaded by the listener and client threads (node:v8 costs a thread
 * a few milliseconds to load).
 */

/** A proxy on the wire: which object, and which proxy class stands for it (the TYPE word of a proxy block). */
export type Marker = [objectId: number, typeCode: number];

const HEADER_BYTES = 4;

/** Splits a byte stream into frames; a frame longer than `limit` is a RangeError (the connection is dropped). */
export class FrameReader {
  limit: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** The length of the frame being read, or -1 while its header is incomplete. */
  #expected = -1;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Adds bytes from the socket; returns the frames they complete. */
  push(chunk: Buffer): Buffer[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#expected < 0) {
        if (this.#buffered < HEADER_BYTES) break;
        if (this.#chunks[0]!.length < HEADER_BYTES) this.#chunks = [Buffer.concat(this.#chunks)];
        this.#expected = this.#chunks[0]!.readUInt32BE(0);
        if (this.#expected > this.limit) throw new RangeError(`A message of ${this.#expected} bytes is over the limit of ${this.limit}`);
      }
      if (this.#buffered < HEADER_BYTES + this.#expected) break;
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
      const end = HEADER_BYTES + this.#expected;
      frames.push(all.subarray(HEADER_BYTES, end));
      this.#chunks = all.length > end ? [all.subarray(end)] : [];
      this.#buffered -= end;
      this.#expected = -1;
    }
    return frames;
  }
}

/** Writes one frame. */
export function writeFrame(socket: Socket, payload: Uint8Array): void {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(payload.length, 0);
  socket.cork();
  socket.write(header);
  socket.write(payload);
  process.nextTick(() => socket.uncork()); // frames written in the same turn leave in one packet
}

/**
 * The frame of `[...head, value]`: proxies in `value` become markers (by
 * `toMarker`, which throws a TypeError for a shareable that cannot go); a
 * part of `value` that cannot be sent is a TypeError naming where it sits
 * under `path`. Retains nothing.
 */
export function pack(head: unknown[], value: unknown, path: string, toMarker: (shareable: Shareable) => Marker): Buffer {
  const dirty = scan(value, path, true);
  if (!dirty) return serialize([[...head, value], []]);
  const shareables: Shareable[] = [];
  const replaced = replaceShareables(value, dirty, shareables);
  return serialize([[...head, replaced], shareables.map(toMarker)]);
}

/** A frame's message, and the markers its proxies are to be revived from. Throws a TypeError for bytes that are not a frame. */
export function unpack(frame: Buffer): { message: unknown[]; markers: Marker[] } {
  const decoded: unknown = deserialize(frame);
  if (!Array.isArray(decoded) || decoded.length !== 2 || !Array.isArray(decoded[0]) || !Array.isArray(decoded[1])) throw new TypeError("Not a manager message");
  const markers = decoded[1] as unknown[];
  for (const marker of markers) {
    if (!Array.isArray(marker) || marker.length !== 2 || !Number.isInteger(marker[0]) || !Number.isInteger(marker[1])) throw new TypeError("Not a proxy marker");
  }
  return { message: decoded[0] as unknown[], markers: markers as Marker[] };
}

/** Puts the proxies revived from a message's markers in place of their marks. */
export function restore(value: unknown, revived: readonly object[]): unknown {
  return revived.length === 0 ? value : restoreShareables(value, revived);
}

/** The error for a shareable that is not a proxy of the manager at the other end. */
export function cannotTravel(shareable: Shareable, path: string): TypeError {
  return new TypeError(
    `Cannot send ${describeKind(blockOf(shareable).kind)} in ${path} to a remote manager: it lives in the shared memory of one machine. ` +
      "Across machines, send plain values and the remote manager's own proxies (a dict, list or Namespace holds shared state; a type registered with Manager.register runs its methods in the manager)",
  );
}

/** Lets go of the shareables a decoded value holds (a thread's copies, once they have been sent on as markers). */
export function releaseShareables(value: unknown): void {
  const dirty = scan(value, "value");
  if (!dirty) return;
  const shareables: Shareable[] = [];
  replaceShareables(value, dirty, shareables);
  for (const shareable of shareables) unbindBlock(shareable);
}
