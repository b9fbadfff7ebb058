// The pool workloads' task functions, shared by every pool under test (each
// peer's worker file wraps these the way that peer wants).

export function square(n) {
  return n * n;
}

/**
 * piscina's worker looks up the export "default" of its file at start
 * (tinypool's too), and piscina's, not finding it, imports the file again
 * after its require(): on Node 20 a
 * task arriving then can crash the worker's thread (a require() of the
 * module while that import is instantiating it: "v8::Module::IsGraphAsync
 * must be used on an instantiated module", seen once in the bench's smoke
 * test). With a default export the first lookup succeeds.
 */
export default square;

/** A result of `n` bytes, written (its pages touched) as a task that computed them would. */
export function bytes(n) {
  return new Uint8Array(n).fill(n & 255);
}

/** Keeps the thread busy for `ms` of wall time: a task of known length whatever the CPU's speed or load. */
export function busy(ms) {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms;
}

/** CPU-bound work with no allocation: `rounds` steps of xorshift32. */
export function spin(rounds) {
  let x = 2463534242;
  for (let i = 0; i < rounds; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}
