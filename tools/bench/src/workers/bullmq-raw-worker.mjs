// Raw BullMQ, the cluster bench's peer: a plain Worker in its own process
// whose processor returns the job's data (a chunk for map jobs), on the
// main thread, with no pool behind it. argv: socket path, queue, concurrency.
import { Worker } from "bullmq";

const [path, queue, concurrency] = process.argv.slice(2);
const worker = new Worker(queue, async (job) => job.data.x, { connection: { path, maxRetriesPerRequest: null }, prefix: "raw", concurrency: Number(concurrency) });
worker.on("error", () => {});
await worker.waitUntilReady();
console.log(JSON.stringify({ ready: true, pid: process.pid }));
process.on("SIGTERM", () => void worker.close().then(() => process.exit(0)));
