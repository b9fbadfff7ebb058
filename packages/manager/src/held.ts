import { isShareable, unbindBlock } from "@multiproc/core/internal";

/**
 * Values a managed object lets go of (an overwritten or removed entry, a
 * released object's contents) may hold proxies and other shareables. Their
 * references would go only when the manager thread collects garbage, which
 * a manager's small heap rarely needs; so they are let go of at once, as
 * Python's refcounting does, after the reply that may still send them (a
 * `pop()` returns what it removes) is on its way.
 */
const dropped: unknown[] = [];

/** `value` is no longer held by a managed object. */
export function drop(value: unknown): void {
  if (typeof value === "object" && value !== null) dropped.push(value);
}

/** After the reply: releases the shareables inside what was dropped. */
export function releaseDropped(): void {
  if (dropped.length === 0) return;
  const seen = new Set<object>();
  for (const value of dropped.splice(0)) releaseHeld(value, seen);
}

function releaseHeld(value: unknown, seen: Set<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  if (isShareable(value)) {
    unbindBlock(value);
    return;
  }
  if (value instanceof Map) for (const [k, v] of value) (releaseHeld(k, seen), releaseHeld(v, seen));
  else if (value instanceof Set || Array.isArray(value)) for (const v of value) releaseHeld(v, seen);
  else if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) for (const v of Object.values(value)) releaseHeld(v, seen);
}
