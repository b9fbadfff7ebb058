// The shared object of remote-manager.mjs, made in the manager: every
// "JobQueue" a client creates is this one queue (Python's
// `register("get_queue", callable=lambda: queue)`). get() waits for an item.
const items = [];
const waiting = [];
let taken = 0;

const queue = {
  put(item) {
    const waiter = waiting.shift();
    if (waiter) waiter(item);
    else items.push(item);
  },
  get() {
    taken++;
    return items.length > 0 ? items.shift() : new Promise((resolve) => waiting.push(resolve));
  },
  taken: () => taken,
  size: () => items.length,
};

export function sharedJobQueue() {
  return queue;
}
