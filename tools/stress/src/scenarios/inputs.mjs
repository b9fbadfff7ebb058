// Bad input to every constructor and method: a clear error of the right
// class (with a message that says what was expected), and nothing changed.
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  JoinableQueue,
  KeyError,
  Lock,
  Manager,
  Parallel,
  parallel,
  delayed,
  Pipe,
  Pool,
  Process,
  ProcessPoolExecutor,
  Queue,
  RLock,
  Semaphore,
  SharedArray,
  ShareableList,
  SharedMemory,
  SharedMemoryManager,
  SharedValue,
  ThreadPoolExecutor,
  SimpleQueue,
  ValueError,
  task,
  wait,
} from "multiproc";

/** [what, call, expected class]: the call must throw (or reject with) that class, with a non-empty message. */
function cases() {
  const lock = new Lock();
  const rlock = new RLock();
  const cond = new Condition();
  const sem = new BoundedSemaphore(1);
  const event = new Event();
  const barrier = new Barrier(2);
  const value = new SharedValue("i", 5);
  const array = new SharedArray("i", [1, 2, 3]);
  const shareable = new ShareableList(["howdy", 3]);
  const queue = new Queue({ maxsize: 1 });
  const joinable = new JoinableQueue();
  const [a, b] = Pipe();
  const [reader, writer] = Pipe({ duplex: false });
  const fn = () => 1;
  const state = () =>
    JSON.stringify([lock.locked(), rlock.locked(), sem.getValue(), event.isSet(), barrier.nWaiting, value.value, array.toArray(), shareable.toArray(), queue.qsize(), a.closed, writer.closed]);
  const list = [
    ["Lock.acquire(NaN)", () => lock.acquire(Number.NaN), ValueError],
    ["Lock.acquire('1')", () => lock.acquire("1"), TypeError],
    ["Lock.acquireSync({ signal: 1 })", () => lock.acquireSync({ signal: 1 }), TypeError],
    ["Lock.release() unlocked", () => lock.release(), ValueError],
    ["Lock.withLock(5)", () => lock.withLock(5), TypeError],
    ["RLock.release() not owned", () => rlock.release(), ValueError],
    ["Condition(5)", () => new Condition(5), TypeError],
    ["Condition.wait() without the lock", () => cond.wait(), ValueError],
    ["Condition.notify() without the lock", () => cond.notify(), ValueError],
    ["Condition.notify(-1)", () => cond.notify(-1), ValueError],
    ["Condition.waitFor(5)", () => cond.waitFor(5), TypeError],
    ["Semaphore(-1)", () => new Semaphore(-1), ValueError],
    ["Semaphore(1.5)", () => new Semaphore(1.5), ValueError],
    ["Semaphore('2')", () => new Semaphore("2"), TypeError],
    ["BoundedSemaphore.release() over", () => sem.release(), ValueError],
    ["Semaphore.release(0)", () => sem.release(0), ValueError],
    ["Event.wait(NaN)", () => event.wait(Number.NaN), ValueError],
    ["Barrier(0)", () => new Barrier(0), ValueError],
    ["Barrier(2, { action: 5 })", () => new Barrier(2, { action: 5 }), TypeError],
    ["Barrier.wait('x')", () => barrier.wait("x"), TypeError],
    ["SharedValue('x')", () => new SharedValue("x"), ValueError],
    ["SharedValue('i', 1.5)", () => new SharedValue("i", 1.5), TypeError],
    ["SharedValue('B', 256)", () => new SharedValue("B", 256), RangeError],
    ["SharedValue.value = '1'", () => (value.value = "1"), TypeError],
    ["SharedValue.add(1.5)", () => value.add(1.5), TypeError],
    ["SharedValue('d').add(1)", () => new SharedValue("d").add(1), TypeError],
    ["SharedValue('i', 0, { lock: 'yes' })", () => new SharedValue("i", 0, { lock: "yes" }), TypeError],
    ["SharedValue({ lock: false }).getLock()", () => new SharedValue("i", 0, { lock: false }).getLock(), ValueError],
    ["SharedArray('i', -1)", () => new SharedArray("i", -1), ValueError],
    ["SharedArray('i', null)", () => new SharedArray("i", null), TypeError],
    ["SharedArray.get(3)", () => array.get(3), RangeError],
    ["SharedArray.set(0, 2 ** 40)", () => array.set(0, 2 ** 40), RangeError],
    ["SharedArray.set([1, 2], 2)", () => array.set([1, 2], 2), RangeError],
    ["SharedArray.set([1, 'x'])", () => array.set([1, "x"]), TypeError],
    ["SharedArray.slice(1.5)", () => array.slice(1.5), TypeError],
    ["SharedMemory({ size: 0 })", () => new SharedMemory({ size: 0 }), ValueError],
    ["SharedMemory()", () => new SharedMemory(), TypeError],
    ["ShareableList(5)", () => new ShareableList(5), TypeError],
    ["ShareableList([{}])", () => new ShareableList([{}]), TypeError],
    ["ShareableList([2n ** 63n])", () => new ShareableList([2n ** 63n]), RangeError],
    ["ShareableList.set(0, 'too long')", () => shareable.set(0, "123456789"), ValueError],
    ["ShareableList.set(0, undefined)", () => shareable.set(0, undefined), TypeError],
    ["ShareableList.get(9)", () => shareable.get(9), RangeError],
    ["ShareableList.index('absent')", () => shareable.index("absent"), ValueError],
    ["Queue({ maxsize: 1.5 })", () => new Queue({ maxsize: 1.5 }), ValueError],
    ["Queue({ maxsize: '1' })", () => new Queue({ maxsize: "1" }), TypeError],
    ["Queue(5)", () => new Queue(5), TypeError],
    ["Queue.putNowait(fn)", () => queue.putNowait(fn), TypeError],
    ["Queue.putNowait(Symbol())", () => queue.putNowait(Symbol("s")), TypeError],
    ["Queue.put({ deep: [fn] })", () => queue.put({ deep: [fn] }), TypeError],
    ["Queue.getNowait() empty", () => queue.getNowait(), Error],
    ["Queue.get('x')", () => queue.get("x"), TypeError],
    ["Queue.shutdown({ immediate: 1 })", () => queue.shutdown({ immediate: 1 }), TypeError],
    ["JoinableQueue.taskDone() too often", () => joinable.taskDone(), ValueError],
    ["SimpleQueue.get(NaN)", () => new SimpleQueue().get(Number.NaN), ValueError],
    ["Pipe({ duplex: 'no' })", () => Pipe({ duplex: "no" }), TypeError],
    ["Connection.send(fn)", () => a.send(fn), TypeError],
    ["Connection.sendBytes('x')", () => a.sendBytes("x"), TypeError],
    ["Connection.sendBytes(buf, 9)", () => a.sendBytes(new Uint8Array(4), 9), ValueError],
    ["one-way reader.send()", () => reader.send(1), ValueError],
    ["one-way writer.recv()", () => writer.recv(), ValueError],
    ["Connection.recvBytesInto('x')", () => b.recvBytesInto("x"), TypeError],
    ["wait('x')", () => wait("x"), TypeError],
    ["Process()", () => new Process(), TypeError],
    ["Process({ target: 5 })", () => new Process({ target: 5 }), TypeError],
    ["Process({ target, args: 5 })", () => new Process({ target: fn, args: 5 }), TypeError],
    ["Process.join() before start", () => new Process({ target: fn }).join(), ValueError],
    ["Process.start() with an unsendable arg", () => new Process({ target: fn, args: [fn] }).start(), TypeError],
    ["Pool({ processes: 0 })", () => new Pool({ processes: 0 }), ValueError],
    ["Pool({ processes: '2' })", () => new Pool({ processes: "2" }), TypeError],
    ["ProcessPoolExecutor({ maxWorkers: -1 })", () => new ProcessPoolExecutor({ maxWorkers: -1 }), ValueError],
    ["task('relative.js')", () => task("relative.js"), TypeError],
    ["task(url, '')", () => task(new URL("file:///x.js"), ""), TypeError],
    ["ThreadPoolExecutor({ maxWorkers: 0 })", () => new ThreadPoolExecutor({ maxWorkers: 0 }), ValueError],
    ["ThreadPoolExecutor.submit(5)", () => new ThreadPoolExecutor().submit(5), TypeError],
    ["ThreadPoolExecutor.map(fn)", () => new ThreadPoolExecutor().map(fn), TypeError],
    ["Parallel({ nJobs: 0 })", () => new Parallel({ nJobs: 0 }), ValueError],
    ["Parallel({ backend: 'loky' })", () => new Parallel({ backend: "loky" }), ValueError],
    ["Parallel({ batchSize: -1 })", () => new Parallel({ batchSize: -1 }), ValueError],
    ["Parallel()([5])", () => new Parallel({ nJobs: 2 })([5]), TypeError],
    ["delayed(5)", () => delayed(5), TypeError],
    ["parallel(fn, 5)", () => parallel(fn, 5, { nJobs: 2 }), TypeError],
    ["SharedMemoryManager.sharedMemory(0)", () => new SharedMemoryManager().sharedMemory(0), ValueError],
    ["SharedMemoryManager.shareableList([{}])", () => new SharedMemoryManager().shareableList([{}]), TypeError],
  ];
  return { list, state };
}

export async function badInputs() {
  const { list, state } = cases();
  const before = state();
  const problems = [];
  for (const [what, call, expected] of list) {
    let thrown;
    try {
      const result = call();
      if (result && typeof result.then === "function") await result;
    } catch (error) {
      thrown = error;
    }
    if (!(thrown instanceof expected)) problems.push(`${what}: ${thrown === undefined ? "did not throw" : `threw ${thrown?.name}: ${thrown?.message}`}`);
    else if (!thrown.message) problems.push(`${what}: no message`);
  }
  if (state() !== before) problems.push(`state changed: ${before} -> ${state()}`);
  problems.push(...(await managerInputs()));
  return problems.length ? problems.join("; ") : undefined;
}

/** The same for a manager's proxies: each bad call throws its class and the objects are as they were. */
async function managerInputs() {
  const manager = await Manager();
  try {
    const d = await manager.dict({ a: 1 });
    const l = await manager.list([1, 2]);
    const calls = [
      ["dict.set({}, 1)", () => d.set({}, 1), TypeError],
      ["dict.setSync('f', fn)", () => d.setSync("f", () => 1), TypeError],
      ["dict.pop('absent')", () => d.pop("absent"), KeyError],
      ["dict.update(5)", () => d.update(5), TypeError],
      ["list.get(9)", () => l.get(9), RangeError],
      ["list.get(1.5)", () => l.getSync(1.5), TypeError],
      ["list.remove('absent')", () => l.remove("absent"), ValueError],
      ["list.sort() of mixed types", async () => (await l.append("x"), l.sort()), TypeError],
      ["manager.create('Unknown')", () => manager.create("Unknown"), TypeError],
      ["Manager.register('dict', …)", () => Manager.register("dict", task(new URL("file:///x.js"), "X")), TypeError],
    ];
    const problems = [];
    for (const [what, call, expected] of calls) {
      const thrown = await Promise.resolve()
        .then(call)
        .then(
          () => undefined,
          (error) => error,
        );
      if (!(thrown instanceof expected)) problems.push(`${what}: ${thrown === undefined ? "did not throw" : `threw ${thrown?.name}: ${thrown?.message}`}`);
    }
    const after = JSON.stringify([await d.items(), await l.copy()]);
    if (after !== JSON.stringify([[["a", 1]], [1, 2, "x"]])) problems.push(`manager objects changed: ${after}`);
    return problems;
  } finally {
    await manager.shutdown();
  }
}
