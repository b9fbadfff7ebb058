// Echo tasks for the round-trip scenarios: each value received is checked for
// buffer ownership where it arrived, then sent back as it is.
/** Paths to every typed array or DataView in `value` that does not own exactly its buffer. */
export function notOwned(value, path = "value", seen = new Set()) {
  if (typeof value !== "object" || value === null || seen.has(value)) return [];
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    return value.byteOffset === 0 && value.buffer.byteLength === value.byteLength ? [] : [`${path} (offset ${value.byteOffset} of ${value.buffer.byteLength} bytes)`];
  }
  const children = value instanceof Map ? [...value].flat() : value instanceof Set ? [...value] : Object.values(value);
  return children.flatMap((child, i) => notOwned(child, `${path}.${i}`, seen));
}

/** A Process target and a Pool task: the value back, with what it found. */
export function echo(value) {
  return { value, notOwned: notOwned(value) };
}

/** A Pool task: the value itself, as the whole result. */
export function same(value) {
  return value;
}

export function echoToQueue(value, out) {
  out.putSync(echo(value));
}
