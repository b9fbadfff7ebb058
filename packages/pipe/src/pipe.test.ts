import { inspect } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deserializeError, TimeoutError, ValueError } from "@multiproc/core/internal";
import { BrokenPipeError, BufferTooShort, Connection, EOFError, Pipe, wait } from "@multiproc/pipe";
import { runFixture } from "@multiproc/test-utils";

const WORKER = new URL("./__fixtures__/worker.mjs", import.meta.url);

async function inWorker(name: string, args: Record<string, unknown>): Promise<any> {
  const reply = await runFixture(WORKER, { name, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.ok;
}

describe("Pipe", () => {
  it("connects two duplex ends: messages arrive in order, exactly once, both ways", async () => {
    const [a, b] = Pipe();
    a.send(1);
    a.send({ two: [2] });
    b.send("back");
    expect(b.recvSync()).toBe(1);
    expect(await b.recv()).toEqual({ two: [2] });
    expect(await a.recv()).toBe("back");
    expect([a.readable, a.writable, b.readable, b.writable]).toEqual([true, true, true, true]);
  });

  it("one-way: the first end only receives, the second only sends", () => {
    const [reader, writer] = Pipe({ duplex: false });
    writer.send("x");
    expect(reader.recvSync()).toBe("x");
    expect(() => reader.send(1)).toThrow(new ValueError("This end of a one-way Pipe only receives"));
    expect(() => writer.recvSync()).toThrow(new ValueError("This end of a one-way Pipe only sends"));
    expect(() => Pipe({ duplex: "no" as never })).toThrow(TypeError);
    expect(() => Pipe(null as never)).toThrow(TypeError);
    expect(() => new Connection()).toThrow(/Connections come from Pipe\(\)/);
  });

  it("round-trips arbitrary values (property)", () => {
    const [a, b] = Pipe();
    fc.assert(
      fc.property(fc.anything({ withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true, withNullPrototype: false, withObjectString: false, withBoxedValues: false }), (value) => {
        a.send(value);
        expect(b.recvSync()).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it("sendBytes/recvBytes carry bytes, with offset and size checked", async () => {
    const [a, b] = Pipe();
    const buf = new Uint8Array([1, 2, 3, 4, 5]);
    a.sendBytes(buf);
    a.sendBytes(buf, 1, 3);
    a.sendBytes(new Uint16Array([0x0102]).buffer);
    expect([...(await b.recvBytes())]).toEqual([1, 2, 3, 4, 5]);
    expect([...(await b.recvBytes())]).toEqual([2, 3, 4]);
    expect((await b.recvBytes()).length).toBe(2);
    expect(() => a.sendBytes(buf, 6)).toThrow(ValueError);
    expect(() => a.sendBytes(buf, 2, 4)).toThrow(ValueError);
    expect(() => a.sendBytes("text" as never)).toThrow(TypeError);
    a.send({ not: "bytes" });
    await expect(b.recvBytes()).rejects.toThrow(/recvBytes\(\) found a message that was not sent as bytes.*use recv\(\)/);
    expect(() => b.recvBytesSync()).toThrow(TypeError);
    expect(await b.recv()).toEqual({ not: "bytes" }); // not consumed by the failed recvBytes
    a.send("a string");
    a.sendBytes(new Uint8Array(70_000).fill(7)); // a big message (spilled out of line in the queue)
    await expect(b.recvBytes()).rejects.toThrow(TypeError);
    expect(b.recvSync()).toBe("a string");
    expect(b.recvBytesSync().length).toBe(70_000);
    a.send({ big: new Uint8Array(70_000) });
    expect(() => b.recvBytesSync()).toThrow(TypeError);
    expect((b.recvSync() as { big: Uint8Array }).big.length).toBe(70_000);
  });

  it("recvBytesInto writes into a buffer at an offset; BufferTooShort carries a message that does not fit", async () => {
    const [a, b] = Pipe();
    a.sendBytes(new Uint8Array([1, 2, 3]));
    const buffer = new Uint8Array(8);
    expect(await b.recvBytesInto(buffer, 2)).toBe(3);
    expect([...buffer]).toEqual([0, 0, 1, 2, 3, 0, 0, 0]);
    a.sendBytes(new Uint8Array([9, 9]));
    const words = new Uint16Array(2);
    expect(b.recvBytesIntoSync(words)).toBe(2);
    expect(new Uint8Array(words.buffer)[0]).toBe(9);
    a.sendBytes(new Uint8Array(10).fill(5));
    const error = (await b.recvBytesInto(new ArrayBuffer(4)).catch((e: unknown) => e)) as BufferTooShort;
    expect(error).toBeInstanceOf(BufferTooShort);
    expect([...error.bytes]).toEqual(new Array(10).fill(5));
    expect(b.pollSync(0)).toBe(false); // it was consumed, as in Python
    a.sendBytes(new Uint8Array([1]));
    expect(() => b.recvBytesIntoSync(buffer, 8)).toThrow(BufferTooShort);
    await expect(b.recvBytesInto(buffer, 9)).rejects.toThrow(ValueError);
    expect(() => b.recvBytesIntoSync(buffer, -1)).toThrow(ValueError);
    await expect(b.recvBytesInto("x" as never)).rejects.toThrow(TypeError);
  });

  it("closes at the end of a `using` block", () => {
    const [a, b] = Pipe();
    {
      using end = a;
      end.send(1);
    }
    expect(a.closed).toBe(true);
    expect(b.recvSync()).toBe(1);
    expect(() => b.recvSync()).toThrow(EOFError);
  });

  it("describes itself: address (the same in every thread), direction, closed", () => {
    const [reader, writer] = Pipe({ duplex: false });
    expect(String(reader)).toMatch(/^<Connection at 0x[0-9a-f]+ readable>$/);
    expect(inspect(writer)).toMatch(/^<Connection at 0x[0-9a-f]+ writable>$/);
    writer.close();
    expect(String(writer)).toMatch(/ closed>$/);
  });

  it("poll: 0 checks without waiting; a timeout waits at most that long", async () => {
    const [a, b] = Pipe();
    expect(await b.poll(0)).toBe(false);
    expect(b.pollSync(0)).toBe(false);
    expect(await b.poll(30)).toBe(false);
    a.send("m");
    expect(await b.poll(0)).toBe(true);
    expect(b.pollSync()).toBe(true);
    expect(b.recvSync()).toBe("m");
    expect(await b.poll(-1)).toBe(false); // negative: just check, as in Python
    expect(await b.poll({ timeout: 10 })).toBe(false);
    await expect(b.poll({ signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow("stop");
    await expect(b.poll(Number.NaN)).rejects.toThrow(ValueError);
  });

  it("recv with a timeout: TimeoutError when nothing arrives", async () => {
    const [, b] = Pipe();
    await expect(b.recv({ timeout: 30 })).rejects.toThrow(TimeoutError);
    expect(() => b.recvSync({ timeout: 30 })).toThrow(TimeoutError);
  });

  it("close(): the other end reads what is left, then EOFError; its sends get BrokenPipeError", async () => {
    const [a, b] = Pipe();
    a.send("last words");
    a.close();
    expect(a.closed).toBe(true);
    expect(b.closed).toBe(false);
    expect(await b.poll(0)).toBe(true);
    expect(await b.recv()).toBe("last words");
    expect(await b.poll(0)).toBe(true); // the end of the pipe is there to read
    await expect(b.recv()).rejects.toThrow(EOFError);
    expect(() => b.recvSync()).toThrow(EOFError);
    expect(() => b.send(1)).toThrow(BrokenPipeError);
    expect(() => a.send(1)).toThrow(new ValueError("Cannot send on a closed Connection"));
    await expect(a.recv()).rejects.toThrow(ValueError);
    a.close(); // closing twice is harmless
  });

  it("a Connection passed to a worker works there: an echo server, sync and async", async () => {
    for (const mode of ["sync", "async"]) {
      const [here, there] = Pipe();
      const server = inWorker("echo", { conn: there, mode });
      for (let i = 0; i < 200; i++) {
        here.send(i);
        expect(await here.recv()).toEqual({ echo: i });
      }
      here.close();
      await expect(server).resolves.toBe(200);
    }
  });

  it("close() closes this thread's handle; the end closes once every handle is closed, as Python's descriptors", async () => {
    const [parent, child] = Pipe();
    const sending = inWorker("sendMany", { conn: child, count: 2 });
    child.close(); // the parent's copy (Python's idiom): the worker still has its own
    expect(child.closed).toBe(true);
    expect(() => child.send(1)).toThrow(ValueError);
    await sending; // the worker sent, then closed its handle: the last one
    expect([parent.recvSync(), parent.recvSync()]).toEqual([0, 1]);
    expect(() => parent.recvSync()).toThrow(EOFError);
    expect(() => parent.send("x")).toThrow(BrokenPipeError);
  });

  it("the end closes when the thread holding it dies without closing it", async () => {
    const [parent, child] = Pipe();
    const dying = inWorker("holdAndExit", { conn: child });
    child.close();
    await dying.catch(() => {}); // it exits with code 3
    await expect(parent.recv({ timeout: 20_000 })).rejects.toThrow(EOFError);
    expect(() => parent.send(1)).toThrow(BrokenPipeError);
  });

  it("EOF reaches a blocked reader in another thread", async () => {
    const [here, there] = Pipe();
    const server = inWorker("echo", { conn: there, mode: "sync" });
    here.close();
    await expect(server).resolves.toBe(0);
  });
});

describe("wait()", () => {
  it("returns the connections with something to receive, waiting for the first", async () => {
    const pipes = [Pipe(), Pipe(), Pipe()];
    const readers = pipes.map(([r]) => r);
    expect(await wait(readers, 0)).toEqual([]);
    expect(await wait(readers, 30)).toEqual([]);
    const sending = inWorker("sendMany", { conn: pipes[1]![1], count: 3, delay: 50 });
    pipes[1]![1].close(); // this thread's handle, as in Python: the worker's own keeps the end open until it closes it
    const ready = await wait(readers, 20_000);
    expect(ready).toEqual([readers[1]]);
    await sending;
    expect([readers[1]!.recvSync(), readers[1]!.recvSync(), readers[1]!.recvSync()]).toEqual([0, 1, 2]);
    expect(await wait(readers, 0)).toEqual([readers[1]]); // at the end of the pipe: ready, recv gives EOFError
  });

  it("checks its arguments; a negative timeout just checks; a signal aborts", async () => {
    await expect(wait("x" as never)).rejects.toThrow(TypeError);
    await expect(wait([{}] as never)).rejects.toThrow(/Connections or sentinels/);
    await expect(wait([Pipe()[0]], Number.NaN)).rejects.toThrow(ValueError);
    await expect(wait([Pipe()[0]], -1)).resolves.toEqual([]);
    await expect(wait([])).resolves.toEqual([]);
    const [reader] = Pipe();
    const controller = new AbortController();
    const waiting = wait([reader], { signal: controller.signal });
    controller.abort(new Error("no more"));
    await expect(waiting).rejects.toThrow("no more");
    const [sender] = Pipe({ duplex: false }).reverse();
    await expect(wait([sender!])).rejects.toThrow(/only sends/);
  });
});
