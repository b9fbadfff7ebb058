// Exact counts under stress: 4 producers and 4 consumers on every queue
// class, and 2 senders and 2 receivers on each end of a duplex Pipe; every
// item exactly once, each producer's items in order, big ones intact.
import { JoinableQueue, Pipe, Queue, SimpleQueue } from "multiproc";
import { startFixture } from "@multiproc/test-utils";

const LOOP = new URL("../workers/loop.mjs", import.meta.url);

/** Every [p, i] exactly once; each consumer saw each producer's items in order. */
function check(lists, producers, count) {
  const seen = new Set();
  for (const list of lists) {
    const last = new Map();
    for (let k = 0; k < list.length; k += 2) {
      const [p, i] = [list[k], list[k + 1]];
      const key = `${p}/${i}`;
      if (seen.has(key)) return `${key} delivered twice`;
      seen.add(key);
      if (i <= (last.get(p) ?? -1)) return `producer ${p}'s items out of order`;
      last.set(p, i);
    }
  }
  return seen.size === producers * count ? undefined : `${producers * count - seen.size} items lost`;
}

export function queues(kind, count) {
  return async () => {
    const queue = kind === "JoinableQueue" ? new JoinableQueue({ maxsize: 64 }) : kind === "SimpleQueue" ? new SimpleQueue() : new Queue({ maxsize: 64 });
    const consumers = [0, 1, 2, 3].map(() => startFixture(LOOP, { name: "consumer", args: { queue, joinable: kind === "JoinableQueue" } }));
    const producers = [0, 1, 2, 3].map((p) => startFixture(LOOP, { name: "producer", args: { queue, p, count, bigEvery: 97 } }));
    await Promise.all(producers.map((p) => p.exited));
    if (kind === "JoinableQueue" && !(await queue.join({ timeout: 60_000 }))) return "join() did not return after every item was done";
    for (let c = 0; c < 4; c++) await queue.put("stop");
    const lists = await Promise.all(consumers.map((c) => c.message));
    await Promise.all(consumers.map((c) => c.exited));
    return check(lists, 4, count);
  };
}

export function pipe(count) {
  return async () => {
    const [a, b] = Pipe();
    const workers = [];
    for (const [send, recv] of [[a, b], [b, a]]) {
      for (let r = 0; r < 2; r++) workers.push({ recv: startFixture(LOOP, { name: "consumer", args: { queue: recv, method: "recv" } }) });
      for (let p = 0; p < 2; p++) workers.push({ send: startFixture(LOOP, { name: "producer", args: { queue: send, p, count, bigEvery: 97, method: "send" } }) });
    }
    await Promise.all(workers.filter((w) => w.send).map((w) => w.send.exited));
    for (const end of [a, b]) for (let r = 0; r < 2; r++) end.send("stop");
    const receivers = workers.filter((w) => w.recv).map((w) => w.recv);
    const lists = await Promise.all(receivers.map((r) => r.message));
    await Promise.all(receivers.map((r) => r.exited));
    // Each direction: 2 senders x count, received by that direction's 2 receivers.
    return check(lists.slice(0, 2), 2, count) ?? check(lists.slice(2), 2, count);
  };
}
