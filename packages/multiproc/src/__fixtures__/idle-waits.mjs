// Every wait of every primitive, each on an otherwise idle event loop: the
// other side is a daemon Process, which does not keep Node alive, so only
// the wait itself can. A wait that forgets to keep the event loop alive ends
// this script early (exit code 13, "unsettled top-level await") and the
// test sees the line of that wait missing.
import {
  Barrier,
  Condition,
  Event,
  JoinableQueue,
  Lock,
  Pipe,
  Pool,
  Process,
  ProcessPoolExecutor,
  Queue,
  RLock,
  Semaphore,
  SharedValue,
  SimpleQueue,
  asCompleted,
  wait,
} from "multiproc";

/** Runs `fn(...args)` on a daemon after `ms` (by value: it may use only its args and globals). */
function later(fn, ...args) {
  const p = new Process({ target: fn, args, daemon: true });
  p.start();
  return p;
}
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const nap = `(${pause})`;
const withPause = (body) => new Function("...args", `const pause = ${nap}; pause(100); return (${body})(...args);`);

async function check(name, waitFor) {
  await waitFor();
  console.log(`ok ${name}`);
}

await check("Process.join", () => later(withPause("() => {}")).join());

const lock = new Lock();
const held = new Event();
later((lock, held) => {
  lock.acquireSync();
  held.set();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  lock.release();
}, lock, held);
await held.wait();
await check("Lock.acquire", () => lock.acquire());

const rlock = new RLock();
const rheld = new Event();
later((rlock, rheld) => {
  rlock.acquireSync();
  rheld.set();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  rlock.release();
}, rlock, rheld);
await check("Event.wait", () => rheld.wait());
await check("RLock.acquire", () => rlock.acquire());

const cond = new Condition();
const flag = new SharedValue("i", 0, { lock: false });
later(withPause("(cond, flag) => cond.withLockSync(() => { flag.value = 1; cond.notifyAll(); })"), cond, flag);
await check("Condition.waitFor", () => cond.withLock(() => cond.waitFor(() => flag.value === 1)));

const sem = new Semaphore(0);
later(withPause("(sem) => sem.release()"), sem);
await check("Semaphore.acquire", () => sem.acquire());

const barrier = new Barrier(2);
later(withPause("(barrier) => barrier.waitSync()"), barrier);
await check("Barrier.wait", () => barrier.wait());

const queue = new Queue();
later(withPause("(queue) => queue.putSync('item')"), queue);
await check("Queue.get", () => queue.get());

const full = new Queue({ maxsize: 1 });
full.putNowait(1);
later(withPause("(full) => full.getSync()"), full);
await check("Queue.put", () => full.put(2));

const jobs = new JoinableQueue();
jobs.putNowait("job");
later(withPause("(jobs) => { jobs.getSync(); jobs.taskDone(); }"), jobs);
await check("JoinableQueue.join", () => jobs.join());

const simple = new SimpleQueue();
later(withPause("(simple) => simple.put('x')"), simple);
await check("SimpleQueue.get", () => simple.get());

const [here, there] = Pipe();
later(withPause("(there) => there.send('one')"), there);
await check("Connection.poll", () => here.poll());
await check("Connection.recv", () => here.recv());
later(withPause("(there) => there.send('two')"), there);
await check("wait(connections)", () => wait([here]));
here.recvSync();
const ending = later(withPause("() => {}"));
await check("wait([sentinel])", () => wait([ending.sentinel]));

const slow = withPause("(n) => n");
const pool = new Pool({ processes: 1 });
await check("Pool.apply", () => pool.apply(slow, [1]));
await check("AsyncResult.get", () => pool.applyAsync(slow, [2]).get());
await check("Pool.map", () => pool.map(slow, [3]));
pool.close();
await check("Pool.join", () => pool.join());

const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
await check("Future.result", () => executor.submit(slow, 1).result());
await check("wait(futures)", () => wait([executor.submit(slow, 2)]));
await check("asCompleted", async () => {
  for await (const f of asCompleted([executor.submit(slow, 3)])) void f;
});
await check("ProcessPoolExecutor.shutdown", () => executor.shutdown());
console.log("done");
