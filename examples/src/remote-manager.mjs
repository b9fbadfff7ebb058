// Python's "Using a remote manager": a manager serves a job queue on a TCP
// address; a producer and a consumer, each an OS process of its own (they
// could be on other machines), connect to it with the shared authkey.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { Manager, task } from "multiproc";

const AUTHKEY = "abracadabra";
const [role, port] = process.argv.slice(2);

if (role === undefined) {
  Manager.register("JobQueue", task(new URL("./_job-queue.mjs", import.meta.url), "sharedJobQueue"));
  const manager = await Manager({ address: ["127.0.0.1", 0], authkey: AUTHKEY });
  try {
    const client = (name) => once(spawn(process.execPath, [fileURLToPath(import.meta.url), name, String(manager.address[1])], { stdio: "inherit" }), "exit");
    const [[consumed], [produced]] = await Promise.all([client("consumer"), client("producer")]);
    const queue = await manager.create("JobQueue");
    console.log(`manager: clients exited ${consumed} ${produced}; ${await queue.taken()} gets, ${await queue.size()} items left; objects in the manager: ${await manager.numberOfObjects()}`);
  } finally {
    await manager.shutdown();
  }
} else {
  const manager = await Manager.connect({ address: ["127.0.0.1", Number(port)], authkey: AUTHKEY });
  try {
    const queue = await manager.create("JobQueue");
    if (role === "producer") {
      for (let n = 1; n <= 5; n++) await queue.put(n);
      console.log("producer: put 5 jobs");
      await queue.put(null); // the end mark
    } else {
      const squares = [];
      for (let n; (n = await queue.get()) !== null; ) squares.push(n * n);
      console.log(`consumer: squares ${squares.join(", ")}`);
    }
  } finally {
    await manager.close();
  }
}
