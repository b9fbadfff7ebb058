// Pool tasks that die as told: "exit" (process.exit), "throwOutside" (an
// uncaught error in a timer), "hog" (out of memory), "slow", or "ok".
export function maybeDie(kind, i) {
  if (kind === "exit") process.exit(5);
  if (kind === "throwOutside") {
    setTimeout(() => {
      throw new Error("outside the task");
    }, 0);
    return new Promise(() => {});
  }
  if (kind === "hog") {
    const keep = [];
    for (;;) keep.push(new Array(100_000).fill(i));
  }
  if (kind === "slow") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
  return i;
}
