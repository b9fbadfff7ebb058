// Every scenario of the suite: how many runs in the short (CI) and long
// profiles, and the function one run calls (it returns a failure description,
// or undefined); or, for `batch`, one call that makes all the runs (one value
// each) and returns the failures. `perRunMs`: the time a run may take before
// it counts as hung, when the default (60 s) is too short for it.
import * as barrier from "./scenarios/barrier.mjs";
import * as cluster from "./scenarios/cluster.mjs";
import * as exact from "./scenarios/exact.mjs";
import * as inputs from "./scenarios/inputs.mjs";
import * as leaks from "./scenarios/leaks.mjs";
import * as locks from "./scenarios/locks.mjs";
import * as manager from "./scenarios/manager.mjs";
import * as remoteManager from "./scenarios/remote-manager.mjs";
import * as nested from "./scenarios/nested.mjs";
import * as pipe from "./scenarios/pipe.mjs";
import * as pool from "./scenarios/pool.mjs";
import * as queue from "./scenarios/queue.mjs";
import * as roundtrip from "./scenarios/roundtrip.mjs";

export const SCENARIOS = {
  "lock: holder and rival killed (Lock)": { short: 20, long: 100, run: locks.killHolderAndRival("Lock") },
  "lock: holder and rival killed (RLock)": { short: 20, long: 100, run: locks.killHolderAndRival("RLock") },
  "lock: holder alone killed (Lock)": { short: 20, long: 100, run: locks.killHolderAlone("Lock") },
  "lock: holder alone killed (RLock)": { short: 10, long: 100, run: locks.killHolderAlone("RLock") },
  "lock: holder dies after a waiter timed out (Lock)": { short: 3, long: 20, run: locks.holderDiesAfterTimedOutWaiter("Lock") },
  "lock: holder dies after a waiter timed out (RLock)": { short: 3, long: 20, run: locks.holderDiesAfterTimedOutWaiter("RLock") },
  "lock: holder dies after a waiter timed out (Condition)": { short: 3, long: 20, run: locks.holderDiesAfterTimedOutWaiter("Condition") },
  "lock: holder dies after a waiter timed out (SharedValue)": { short: 3, long: 20, run: locks.holderDiesAfterTimedOutWaiter("SharedValue") },
  "lock: 3 waiters sleep while it is held": { short: 1, long: 3, run: locks.waitersSleep(1500) },
  "lock: async acquire keeps the event loop (Lock)": { short: 1, long: 3, run: locks.asyncAcquireKeepsEventLoop("Lock") },
  "lock: async acquire keeps the event loop (RLock)": { short: 1, long: 3, run: locks.asyncAcquireKeepsEventLoop("RLock") },
  "barrier: a party dies while waiting": { short: 6, long: 15, run: barrier.partyDies },
  "barrier: reset (or not) after a party was killed": { short: 4, long: 10, run: barrier.resetAfterDeath },
  "queue: consumers run out of memory in getSync": { short: 3, long: 25, run: queue.consumersRunOutOfMemory },
  "nested: a Process whose child hammers a Queue and a Lock is killed": { short: 3, long: 20, run: nested.queueAndLock },
  "nested: a Process whose child allocates shared blocks is killed": { short: 4, long: 20, run: nested.arena },
  "pipe: the peer dies without closing": { short: 4, long: 20, run: pipe.peerDies },
  "exact: Queue, 4 producers x 4 consumers": { short: 2, long: 20, run: exact.queues("Queue", 25_000) },
  "exact: JoinableQueue, 4 producers x 4 consumers": { short: 2, long: 20, run: exact.queues("JoinableQueue", 25_000) },
  "exact: SimpleQueue, 4 producers x 4 consumers": { short: 2, long: 20, run: exact.queues("SimpleQueue", 25_000) },
  "exact: Pipe, 2 senders and 2 receivers on each end": { short: 2, long: 20, run: exact.pipe(20_000) },
  "manager: a caller killed mid-call; the others count exactly, its objects go": { short: 2, long: 20, run: manager.callerKilled },
  "manager: a remote client process killed mid-call; a remote and a local caller count exactly, its objects go": { short: 1, long: 10, run: remoteManager.clientKilled },
  "pool: workers die in tasks (exit, uncaught, out of memory)": { short: 2, long: 20, run: pool.poolWorkersDie },
  "executor: a worker dies, the executor breaks and settles every future": { short: 3, long: 20, run: pool.executorBreaks },
  "leaks: create and drop or close each primitive": { short: 1, long: 1, run: leaks.cycles(2_000), longRun: leaks.cycles(10_000) },
  "leaks: make, use and close without garbage collection (main thread and a worker)": { short: 1, long: 1, run: leaks.churnWithoutCollection(2_000), longRun: leaks.churnWithoutCollection(20_000) },
  "leaks: managed dicts and lists made and dropped": { short: 1, long: 1, run: leaks.managerProxies(1_000), longRun: leaks.managerProxies(10_000) },
  // 500 Processes one after another take about a minute on an idle 2-core machine, twice that under load.
  "leaks: sequential Processes holding shared objects": { short: 1, long: 1, perRunMs: 300_000, run: leaks.processes(60), longRun: leaks.processes(500) },
  "round trip: arbitrary values through a Queue": { short: 100, long: 200, batch: roundtrip.queue },
  "round trip: arbitrary values through a Pipe": { short: 100, long: 200, batch: roundtrip.pipe },
  "round trip: arbitrary values as a Process's args": { short: 20, long: 200, batch: roundtrip.processArgs },
  "round trip: arbitrary values as a Pool task's args and result": { short: 100, long: 200, batch: roundtrip.poolArgs },
  "inputs: bad arguments to every constructor and method": { short: 1, long: 1, run: inputs.badInputs },
  // A real redis-server and 2 worker processes per run; 20k tasks take about 5-10 s on 2 cores (short: 5k).
  "cluster: a 20k-task burst right after start-up, a worker process SIGKILLed mid-burst; every future once, with its own value": {
    short: 1,
    long: 10,
    perRunMs: 180_000,
    run: cluster.burstWithWorkerKilled(5_000),
    longRun: cluster.burstWithWorkerKilled(20_000),
  },
};
