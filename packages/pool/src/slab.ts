/**
 * Task messages are carved out of 64 KiB slabs instead of each getting its
 * own ArrayBuffer: a buffer over V8's 64-byte on-heap limit costs a backing
 * store allocation and GC bookkeeping (about a microsecond), more than the
 * rest of a tiny task's dispatch. A slab is never reused; it is collected
 * when the last message in it is. Every piece starts 8-aligned, as core's
 * codec bodies want.
 */
const SLAB_BYTES = 64 * 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

export function slabBytes(length: number): Uint8Array {
  const size = (length + 7) & ~7;
  if (size > SLAB_BYTES / 8) return new Uint8Array(length);
  if (used + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const bytes = new Uint8Array(slab, used, length);
  used += size;
  return bytes;
}
