import { describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { WorkerDiedError } from "@multiproc/pool";
import { ClusterExecutor } from "@multiproc/cluster";
import { JOBS, redisForThisFile, startReports, startWorkerProcess } from "./test-support.js";

// Worker processes that die: at-least-once delivery, each Future settled once.
// Workers run with a 1 s lock and a 0.5 s stalled check (test-support).

const reportAndSleep = task<(path: string, ms: number) => number>(JOBS, "reportAndSleep");
const killMyProcess = task<() => never>(JOBS, "killMyProcess");
const add = task<(a: number, b: number) => number>(JOBS, "add");

const redis = redisForThisFile();

describe("a worker process that dies", () => {
  it("SIGKILLed mid-task: the task runs again on another worker and its future settles once, with that run's result", async () => {
    const reports = await startReports();
    await using ex = new ClusterExecutor({ connection: redis().connection, queue: "sigkill" });
    try {
      const first = await startWorkerProcess(redis(), "sigkill");
      const future = ex.submit(reportAndSleep, reports.path, 1500);
      expect(await reports.next()).toBe(first.pid); // it runs on the only worker
      first.child.kill("SIGKILL");
      await first.exited;
      const second = await startWorkerProcess(redis(), "sigkill");
      expect(await reports.next()).toBe(second.pid); // re-delivered once the lock lapsed
      let settled = 0;
      future.addDoneCallback(() => settled++);
      expect(await future).toBe(second.pid);
      expect(settled).toBe(1);
      expect(await ex.submit(add, 2, 3)).toBe(5);
    } finally {
      reports.close();
    }
  }, 60_000);

  it("a task that kills its process every time: WorkerDiedError (how 'lost') after --max-stalled re-deliveries, and the executor goes on", async () => {
    await using ex = new ClusterExecutor({ connection: redis().connection, queue: "killer" });
    // Two workers, each replaced when it dies, as a supervisor (systemd, Kubernetes) would.
    let deaths = 0;
    let stopping = false;
    const keepAlive = async (): Promise<void> => {
      const worker = await startWorkerProcess(redis(), "killer", ["--max-stalled", "1"]);
      void worker.exited.then(() => {
        deaths++;
        if (!stopping) void keepAlive();
      });
    };
    await Promise.all([keepAlive(), keepAlive()]);
    const error = await ex.submit(killMyProcess).exception();
    expect(error).toBeInstanceOf(WorkerDiedError);
    expect(error).toMatchObject({ how: "lost", message: expect.stringMatching(/was lost: .*stalled/) });
    expect(deaths).toBe(2); // the first run and one re-delivery (--max-stalled 1)
    stopping = true; // (before the last await: a replacement being started now is killed with the rest after the file)
    expect(await ex.submit(add, 20, 22)).toBe(42);
  }, 60_000);
});
