// Producer/consumer over a Queue, as Python's classic example: two producer
// processes, two consumer processes, a bounded queue between them, and a
// results queue back to the main thread.
import { Process, Queue } from "multiproc";

const jobs = new Queue({ maxsize: 16 });
const results = new Queue();

const producers = [0, 1].map(
  (id) =>
    new Process({
      target: async (jobs, id) => {
        for (let n = 1; n <= 50; n++) await jobs.put({ from: id, n });
      },
      args: [jobs, id],
    }),
);
const consumers = [0, 1].map(
  () =>
    new Process({
      target: async (jobs, results) => {
        for await (const job of jobs) await results.put({ ...job, square: job.n * job.n });
      },
      args: [jobs, results],
    }),
);
for (const p of [...producers, ...consumers]) p.start();
for (const p of producers) await p.join();
jobs.close(); // consumers drain what is left, then their loops end
for (const p of consumers) await p.join();
results.close();

let count = 0;
let sum = 0;
for await (const r of results) {
  count++;
  sum += r.square;
}
console.log(`${count} jobs done by 2 consumers; sum of squares ${sum} (expected ${2 * ((50 * 51 * 101) / 6)})`);
