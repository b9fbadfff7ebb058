import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type AddressInfo } from "node:net";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task, ValueError } from "@multiproc/core";
import { Process } from "@multiproc/process";
import { AuthenticationError, DictProxy, ListProxy, Manager, ManagerClosedError, type CustomProxy, type SyncManager } from "@multiproc/manager";

// Remote managers between real OS processes on 127.0.0.1: this test
// process and node children running the fixtures.

const FIXTURES = new URL("./__fixtures__/", import.meta.url);
const AUTHKEY = "abracadabra";

/** Runs a fixture in a new node process; resolves its first stdout line as JSON (and the process). */
async function runNode(fixture: string, args: string[]): Promise<{ child: ChildProcess; first: Record<string, unknown>; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [new URL(fixture, FIXTURES).pathname, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const lines = createInterface({ input: child.stdout! });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    void exited.then((code) => reject(new Error(`${fixture} exited (${code}) before it printed`)));
  });
  return { child, first: JSON.parse(line) as Record<string, unknown>, exited };
}

/** Polls the manager's object count until it is `expected` (objects a lost connection held go within milliseconds). */
async function objectsBecome(manager: SyncManager, expected: number): Promise<number> {
  const deadline = Date.now() + 20_000;
  let count = await manager.numberOfObjects();
  while (count !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    count = await manager.numberOfObjects();
  }
  return count;
}

describe("a manager in this process, clients in other processes", () => {
  let manager: SyncManager;
  let port: number;

  beforeAll(async () => {
    Manager.register("Tally", task(new URL("tally.mjs", FIXTURES), "sharedTally"));
    manager = await Manager({ address: ["127.0.0.1", 0], authkey: AUTHKEY });
    port = manager.address![1];
  });

  afterAll(async () => {
    await manager.shutdown();
  });

  it("listens on the address it was given, port 0 picking a free one", () => {
    expect(manager.address).toEqual(["127.0.0.1", port]);
    expect(port).toBeGreaterThan(0);
    expect(manager.remote).toBe(false);
  });

  it("serves dicts, lists, Namespaces, nested proxies and registered types to a client, with the local proxies' errors; nothing leaks", async () => {
    const before = await manager.numberOfObjects();
    const { first: out, exited } = await runNode("remote-client.mjs", [String(port), AUTHKEY, "basic"]);
    expect(await exited).toBe(0);
    expect(out).toMatchObject({
      remote: true,
      address: ["127.0.0.1", port],
      items: [["a", 1], ["b", [1, { deep: true }]], ["inner", "<ListProxy"], ["child", "was here"]],
      inner: [1, 2, 3],
      innerIsProxy: true,
      ns: [1, 2],
      tally: [5, 5],
      childExit: 0,
      unchanged: ["a", "b", "inner", "child"],
      stillWorks: 1,
    });
    expect(out.keyError).toMatch(/^KeyError: /);
    expect(out.indexError).toMatch(/^RangeError: /);
    expect(out.lock).toMatch(/^TypeError: manager\.Lock\(\) of a remote manager's client: .*shared memory/);
    expect(out.sendLock).toMatch(/^TypeError: Cannot send a Lock \(from @multiproc\/lock\) in the arguments to a remote manager/);
    expect(out.sendFunction).toMatch(/^TypeError: Cannot send .*a function/);
    expect(out.shutdown).toMatch(/^ValueError: A client of a remote manager cannot shut it down/);
    expect(out.tooBig).toMatch(/^RangeError: The request is \d+ bytes, over the connection's maxMessageSize of 65536/);
    expect(out.afterClose).toMatch(/^ManagerClosedError: /);
    expect(out.afterCloseSync).toMatch(/^ManagerClosedError: /);
    // Everything the client made was held by it alone: gone with its connection.
    expect(await objectsBecome(manager, before)).toBe(before);
  }, 60_000);

  it("clients in two processes and a local Process share a registered object: 3 x 2000 increments give the exact count", async () => {
    const tally = (await manager.create("Tally")) as CustomProxy;
    const start = (await tally.get!("n")) as number;
    const local = new Process({
      target: (t: CustomProxy, times: number) => {
        for (let i = 0; i < times; i++) t.addSync!("n", 1);
      },
      args: [tally, 2000],
    });
    local.start();
    const runs = await Promise.all([0, 1].map(() => runNode("remote-client.mjs", [String(port), AUTHKEY, "increment", "2000"])));
    await local.join();
    expect(local.exitCode).toBe(0);
    expect(await Promise.all(runs.map((run) => run.exited))).toEqual([0, 0]);
    expect(runs.map((run) => run.first)).toEqual([{ done: true }, { done: true }]);
    expect(await tally.get!("n")).toBe(start + 6000);
  }, 60_000);

  it("a client process killed while holding proxies leaks nothing in the manager", async () => {
    const before = await manager.numberOfObjects();
    const { child, first, exited } = await runNode("remote-client.mjs", [String(port), AUTHKEY, "hold"]);
    expect(first).toEqual({ holding: 20 });
    expect(await manager.numberOfObjects()).toBe(before + 20);
    child.kill("SIGKILL");
    await exited;
    expect(await objectsBecome(manager, before)).toBe(before);
  }, 60_000);

  it("a client with a wrong authkey gets AuthenticationError and makes nothing", async () => {
    const before = await manager.numberOfObjects();
    const { first, exited } = await runNode("remote-client.mjs", [String(port), "not the key", "basic"]);
    expect(await exited).toBe(0);
    expect(first).toMatchObject({ connectError: "AuthenticationError" });
    expect(first.message).toMatch(/refused this authkey/);
    expect(await manager.numberOfObjects()).toBe(before);
  }, 60_000);

  it("reads no request from a peer that has not authenticated, and bounds what it buffers before", async () => {
    // A peer that skips the handshake and sends a request frame: the listener answers nothing and closes.
    const socket = connect({ host: "127.0.0.1", port });
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    await once(socket, "connect");
    const frame = Buffer.from("not an answer to the challenge");
    const header = Buffer.alloc(4);
    header.writeUInt32BE(frame.length);
    socket.write(Buffer.concat([header, frame]));
    await once(socket, "close");
    const bytes = Buffer.concat(received);
    expect(bytes.subarray(4, 15).toString()).toBe("#CHALLENGE#");
    expect(bytes.includes(Buffer.from("#FAILURE#"))).toBe(true);
    // A peer that announces a 1 GiB frame before authenticating is dropped at once (frames are 256 bytes at most until then).
    const greedy = connect({ host: "127.0.0.1", port });
    greedy.on("error", () => {});
    greedy.resume(); // reads (and drops) the challenge, so the close is seen
    await once(greedy, "connect");
    greedy.write(Buffer.from([0x40, 0, 0, 0]));
    await once(greedy, "close");
    expect(await manager.numberOfObjects()).toBeGreaterThanOrEqual(0); // still serving
  });
});

describe("a manager in another process, a client in this one", () => {
  let server: Awaited<ReturnType<typeof runNode>>;
  let port: number;

  beforeAll(async () => {
    server = await runNode("remote-server.mjs", [AUTHKEY, String(64 * 1024)]);
    port = server.first.port as number;
  });

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
  });

  it("gives proxies that work as local ones, in this process's threads too", async () => {
    await using client = await Manager.connect({ address: ["127.0.0.1", port], authkey: Buffer.from(AUTHKEY) });
    const d = await client.dict<string, unknown>();
    const l = client.listSync([3, 1, 2]);
    await d.set("list", l);
    const got = (await d.get("list")) as ListProxy<number>;
    expect(got).toBeInstanceOf(ListProxy);
    got.sortSync();
    expect(await l.copy()).toEqual([1, 2, 3]);
    expect(d).toBeInstanceOf(DictProxy);
    const tally = await client.create("Tally");
    expect([await tally.add!("x", 2), tally.addSync!("x", 3)]).toEqual([2, 5]);
    // Calls in flight at once come back to their own callers.
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => d.setdefault(`k${i % 20}`, i)));
    expect(results).toEqual(Array.from({ length: 200 }, (_, i) => i % 20));
  });

  it("a message over the manager's maxMessageSize drops the connection: the client's proxies throw ManagerClosedError", async () => {
    const client = await Manager.connect({ address: ["127.0.0.1", port], authkey: AUTHKEY }); // its own limit: 64 MiB
    const d = await client.dict();
    await expect(d.set("big", "x".repeat(100 * 1024))).rejects.toThrow(ManagerClosedError);
    expect(() => d.getSync("big")).toThrow(ManagerClosedError);
    expect(client.running).toBe(false);
    await client.close();
  });

  it("a wrong authkey is an AuthenticationError for the client", async () => {
    await expect(Manager.connect({ address: ["127.0.0.1", port], authkey: "wrong" })).rejects.toThrow(AuthenticationError);
  });

  it("when the manager shuts down, the client's proxies throw ManagerClosedError, sync and async; nothing hangs", async () => {
    const client = await Manager.connect({ address: ["127.0.0.1", port], authkey: AUTHKEY });
    const d = await client.dict({ a: 1 });
    expect(d.getSync("a")).toBe(1);
    server.child.kill("SIGTERM"); // the server shuts its manager down
    expect(await server.exited).toBe(0);
    await expect(d.get("a")).rejects.toThrow(ManagerClosedError);
    expect(() => d.setSync("a", 2)).toThrow(ManagerClosedError);
    await client.close();
    await client.close(); // a second call does nothing
  });
});

describe("remote options and misuse", () => {
  it("refuses bad addresses, keys and sizes with clear errors", async () => {
    await expect(Manager({ address: "127.0.0.1:5000" as never, authkey: "k" })).rejects.toThrow(/Expected Manager options\.address to be \[host, port\]/);
    await expect(Manager({ address: ["127.0.0.1", 0] })).rejects.toThrow(/Expected Manager options\.authkey to be a string or bytes, got undefined/);
    await expect(Manager({ address: ["127.0.0.1", 0], authkey: "" })).rejects.toThrow(/authkey not to be empty/);
    await expect(Manager({ address: ["127.0.0.1", 70_000], authkey: "k" })).rejects.toThrow(RangeError);
    await expect(Manager({ address: ["127.0.0.1", 1.5], authkey: "k" })).rejects.toThrow(TypeError);
    await expect(Manager({ address: ["127.0.0.1", 0], authkey: "k", maxMessageSize: 10 })).rejects.toThrow(/maxMessageSize to be 1024/);
    await expect(Manager({ authkey: "k" })).rejects.toThrow(/address to be \[host, port\], got undefined/);
    await expect(Manager({ adress: ["x", 1] } as never)).rejects.toThrow(/adress/);
    await expect(Manager.connect({ address: ["127.0.0.1", 0], authkey: "k" })).rejects.toThrow(RangeError);
    await expect(Manager.connect({ address: ["", 5000], authkey: "k" })).rejects.toThrow(/only makes sense for a manager that listens/);
  });

  it("says where it could not connect or listen", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await expect(Manager({ address: ["127.0.0.1", port], authkey: "k" })).rejects.toMatchObject({ code: "EADDRINUSE" });
    await new Promise((resolve) => server.close(resolve));
    await expect(Manager.connect({ address: ["127.0.0.1", port], authkey: "k" })).rejects.toMatchObject({
      code: "ECONNREFUSED",
      message: expect.stringMatching(new RegExp(`^Cannot connect to the manager at 127\\.0\\.0\\.1:${port}: `)),
    });
  });

  it("close() is for clients, serveForever() and shutdown() for the starting thread", async () => {
    const local = await Manager();
    await expect(local.close()).rejects.toThrow(ValueError);
    expect(local.address).toBeUndefined();
    await local.shutdown();
    await local.serveForever(); // returns at once: it is shut down
  });
});
