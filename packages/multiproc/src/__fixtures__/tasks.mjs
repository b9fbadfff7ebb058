// Tasks for the umbrella's program-level tests.
export function printLine(i) {
  console.log(`line ${i}`);
  return i;
}

/** Prints, then keeps its thread busy (no event-loop turn) until element 0 of the SharedArray `go` is set. */
export function printThenSpin(go) {
  console.log("task started");
  while (Atomics.load(go.raw, 0) === 0);
  return "finished";
}
