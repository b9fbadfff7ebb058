export function square(n) {
  return n * n;
}

export function report(queue, lock) {
  lock.acquireSync();
  queue.putSync("from the child");
  lock.release();
}
