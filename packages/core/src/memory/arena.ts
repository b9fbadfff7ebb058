import { coreState } from "../state.js";
import { lockMutex, unlockMutex } from "./mutex.js";
import {
  ARENA_HEADER_BYTES,
  ARENA_INITIAL_BYTES,
  ARENA_MAGIC,
  ARENA_MAX_BYTES,
  B_KIND_CLASS,
  B_NEXT,
  B_REFCOUNT,
  B_SIZE,
  BLOCK_HEADER_BYTES,
  H_ARENA_ID,
  H_BUMP,
  H_FREE_LARGE,
  H_FREE_SMALL,
  H_LIVE,
  H_MAGIC,
  H_MUTEX,
  LARGE_CLASS,
  LARGE_GRANULE,
  MAX_SMALL_CLASS,
  MIN_CLASS,
} from "./layout.js";

/**
 * A growable SharedArrayBuffer shared by every thread of a process tree, with
 * a ref-counted block allocator in it (layout.ts). All views track the
 * buffer's length, so a grow by any thread is seen by all.
 */
export class Arena {
  readonly buffer: SharedArrayBuffer;
  readonly id: number;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly u8: Uint8Array;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    if (buffer.byteLength < ARENA_HEADER_BYTES || this.u32[H_MAGIC] !== ARENA_MAGIC) {
      throw new TypeError("Expected a multiproc arena buffer, got a SharedArrayBuffer without the arena header");
    }
    this.id = this.i32[H_ARENA_ID]!;
  }

  static create(): Arena {
    const buffer = new SharedArrayBuffer(ARENA_INITIAL_BYTES, { maxByteLength: ARENA_MAX_BYTES });
    const u32 = new Uint32Array(buffer);
    u32[H_MAGIC] = ARENA_MAGIC;
    // Ids tell arenas apart inside handles; 31 random bits keep clashes unlikely.
    u32[H_ARENA_ID] = 1 + Math.floor(Math.random() * 0x7fff_fffe);
    u32[H_BUMP] = ARENA_HEADER_BYTES;
    return new Arena(buffer);
  }

  /** The arena over `buffer`, one instance per thread. */
  static adopt(buffer: SharedArrayBuffer): Arena {
    const state = coreState();
    const id = new Int32Array(buffer, 0, ARENA_HEADER_BYTES / 4)[H_ARENA_ID]!;
    let arena = state.arenas.get(id);
    if (!arena) {
      arena = new Arena(buffer);
      state.arenas.set(id, arena);
    }
    return arena;
  }

  /**
   * Allocates a block of at least `payloadBytes` with refcount 1; returns its
   * offset. The payload is zeroed unless `zeroed` is false (a buffer its
   * owner overwrites before reading, such as a queue segment).
   */
  allocate(kind: number, payloadBytes: number, zeroed = true): number {
    const need = payloadBytes + BLOCK_HEADER_BYTES;
    const large = need > 2 ** MAX_SMALL_CLASS;
    const sizeClass = large ? LARGE_CLASS : Math.max(MIN_CLASS, Math.ceil(Math.log2(need)));
    const blockBytes = large ? Math.ceil(need / LARGE_GRANULE) * LARGE_GRANULE : 2 ** sizeClass;
    if (blockBytes > ARENA_MAX_BYTES - ARENA_HEADER_BYTES) {
      throw new RangeError(`Cannot allocate ${payloadBytes} bytes of shared memory: the arena holds at most ${ARENA_MAX_BYTES} bytes`);
    }
    const { i32, u32 } = this;
    let offset = 0;
    let reused = false;
    for (let attempt = 0; offset === 0; attempt++) {
      lockMutex(i32, H_MUTEX);
      try {
        offset = large ? this.#takeLarge(blockBytes) : this.#takeSmall(sizeClass);
        reused = offset !== 0;
        if (!reused) offset = this.#bump(blockBytes);
        if (offset !== 0) u32[H_LIVE] = u32[H_LIVE]! + 1;
      } finally {
        unlockMutex(i32, H_MUTEX);
      }
      // Full: blocks of instances that are gone but not yet finalized may make room.
      if (offset === 0 && (attempt > 0 || !(coreState().reclaim?.() ?? 0))) throw this.#full(blockBytes);
    }
    const w = offset >>> 2;
    const size = reused ? u32[w + B_SIZE]! : blockBytes;
    // A reused block holds its previous owner's bytes; fresh bump memory is already zero.
    if (reused && zeroed) zero(new Uint8Array(this.buffer, offset + BLOCK_HEADER_BYTES, size - BLOCK_HEADER_BYTES));
    u32[w + B_SIZE] = size;
    u32[w + B_NEXT] = 0;
    Atomics.store(i32, w + B_REFCOUNT, 1);
    // Written last: a non-zero kind marks the block live.
    Atomics.store(u32, w + B_KIND_CLASS, (kind & 0xffff) | (sizeClass << 16));
    return offset;
  }

  retain(offset: number): void {
    Atomics.add(this.i32, (offset >>> 2) + B_REFCOUNT, 1);
  }

  /** Drops one reference; returns true when it was the last one (the caller frees). */
  release(offset: number): boolean {
    const before = Atomics.sub(this.i32, (offset >>> 2) + B_REFCOUNT, 1);
    if (before <= 0) throw new Error(`multiproc: block ${offset} released more often than retained`);
    return before === 1;
  }

  refcount(offset: number): number {
    return Atomics.load(this.i32, (offset >>> 2) + B_REFCOUNT);
  }

  kindOf(offset: number): number {
    return Atomics.load(this.u32, (offset >>> 2) + B_KIND_CLASS) & 0xffff;
  }

  /** Payload bytes of the block at `offset` (at least what was asked for). */
  payloadBytes(offset: number): number {
    return this.u32[(offset >>> 2) + B_SIZE]! - BLOCK_HEADER_BYTES;
  }

  /** Puts a block whose refcount reached 0 back on its free list. */
  free(offset: number): void {
    const { i32, u32 } = this;
    const w = offset >>> 2;
    const sizeClass = u32[w + B_KIND_CLASS]! >>> 16;
    lockMutex(i32, H_MUTEX);
    try {
      u32[w + B_KIND_CLASS] = sizeClass << 16;
      const head = sizeClass === LARGE_CLASS ? H_FREE_LARGE : H_FREE_SMALL + sizeClass - MIN_CLASS;
      u32[w + B_NEXT] = u32[head]!;
      u32[head] = offset;
      u32[H_LIVE] = u32[H_LIVE]! - 1;
    } finally {
      unlockMutex(i32, H_MUTEX);
    }
  }

  /** Blocks allocated and not yet freed, across all threads. */
  liveBlocks(): number {
    return Atomics.load(this.u32, H_LIVE);
  }

  #takeSmall(sizeClass: number): number {
    const head = H_FREE_SMALL + sizeClass - MIN_CLASS;
    const offset = this.u32[head]!;
    if (offset !== 0) this.u32[head] = this.u32[(offset >>> 2) + B_NEXT]!;
    return offset;
  }

  #takeLarge(blockBytes: number): number {
    const { u32 } = this;
    let link = H_FREE_LARGE;
    for (let offset = u32[link]!; offset !== 0; offset = u32[link]!) {
      const size = u32[(offset >>> 2) + B_SIZE]!;
      if (size >= blockBytes && size < 2 * blockBytes) {
        u32[link] = u32[(offset >>> 2) + B_NEXT]!;
        return offset;
      }
      link = (offset >>> 2) + B_NEXT;
    }
    return 0;
  }

  #full(blockBytes: number): RangeError {
    return new RangeError(
      `Cannot allocate ${blockBytes} bytes of shared memory: the arena is full (${ARENA_MAX_BYTES} bytes, ${this.liveBlocks()} blocks in use). ` +
        "close() what you no longer use (Pipe ends, queues, SharedMemory) or drop it so that it can be collected.",
    );
  }

  /** Fresh memory at the end of the arena, growing the buffer; 0 when the arena is full. */
  #bump(blockBytes: number): number {
    const offset = this.u32[H_BUMP]!;
    const end = offset + blockBytes;
    if (end > ARENA_MAX_BYTES) return 0;
    if (end > this.buffer.byteLength) {
      this.buffer.grow(Math.min(ARENA_MAX_BYTES, Math.max(end, this.buffer.byteLength * 2)));
    }
    this.u32[H_BUMP] = end;
    return offset;
  }
}

/**
 * Copying zeros in is several times faster than fill(0), which takes a slow
 * element-by-element path on shared memory.
 */
const ZEROS = new Uint8Array(64 * 1024);

function zero(bytes: Uint8Array): void {
  for (let at = 0; at < bytes.byteLength; at += ZEROS.byteLength) {
    bytes.set(at + ZEROS.byteLength <= bytes.byteLength ? ZEROS : ZEROS.subarray(0, bytes.byteLength - at), at);
  }
}

/** The arena this thread allocates from, created on first use. */
export function homeArena(): Arena {
  const state = coreState();
  if (!state.home) {
    const arena = Arena.create();
    state.arenas.set(arena.id, arena);
    state.home = arena;
  }
  return state.home;
}

/** Makes `buffer` this thread's home arena if it has none yet (worker start-up). */
export function adoptHomeArena(buffer: SharedArrayBuffer): Arena {
  const arena = Arena.adopt(buffer);
  coreState().home ??= arena;
  return arena;
}

export function arenaById(id: number): Arena | undefined {
  return coreState().arenas.get(id);
}
