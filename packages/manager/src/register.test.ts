import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { task } from "@multiproc/core";
import { Process } from "@multiproc/process";
import { Manager, type CustomProxy, type SyncManager } from "@multiproc/manager";

const MATHS = new URL("./__fixtures__/maths.mjs", import.meta.url);

let manager: SyncManager;

beforeAll(async () => {
  Manager.register("Maths", task(MATHS, "MathsClass"));
  Manager.register("Counter", task(MATHS, "makeCounter"), { exposed: ["increment", "value"] });
  Manager.register("Missing", task(new URL("./__fixtures__/no-such-module.mjs", import.meta.url), "Nothing"));
  manager = await Manager();
});

afterAll(async () => {
  await manager.shutdown();
});

describe("Manager.register", () => {
  it("serves a registered class: its methods run in the manager, async and sync", async () => {
    const maths = await manager.create("Maths");
    expect([await maths.add!(4, 3), maths.mulSync!(7, 8), await maths.later!(21), maths.callsSync!()]).toEqual([7, 56, 42, 2]);
    expect(String(maths)).toMatch(/^<CustomProxy object \d+>$/);
    expect(await Promise.resolve(maths)).toBe(maths); // not a thenable
  });

  it("serves a factory function, with its exposed methods only", async () => {
    const counter = manager.createSync("Counter", 10);
    expect([counter.incrementSync!(), await counter.increment!(5), counter.valueSync!()]).toEqual([11, 16, 16]);
    const maths = await manager.create("Maths");
    await expect(maths._hidden!()).rejects.toThrow('A Maths proxy has no method "_hidden"');
    expect(() => maths.hasOwnPropertySync!("x")).toThrow(TypeError); // Object.prototype's methods are not the type's
    expect(() => maths.constructorSync!()).toThrow(TypeError);
    expect(() => counter.toJSONSync!()).toThrow(/exposes increment, value/);
  });

  it("a proxy of a registered type works in another process and counts exactly", async () => {
    const counter = await manager.create("Counter", 0);
    const worker = (c: CustomProxy, n: number) => {
      for (let i = 0; i < n; i++) c.incrementSync!();
    };
    const processes = [0, 1, 2].map(() => new Process({ target: worker, args: [counter, 500] }));
    for (const p of processes) p.start();
    for (const p of processes) await p.join();
    expect(processes.map((p) => p.exitCode)).toEqual([0, 0, 0]);
    expect(await counter.value!()).toBe(1500);
  });

  it("refuses unknown typeids, bad registrations and factories that fail, with clear errors", async () => {
    await expect(manager.create("Nope")).rejects.toThrow('This manager serves no type "Nope"');
    await expect(manager.create("Missing")).rejects.toThrow(/no-such-module/);
    expect(() => Manager.register("dict", task(MATHS, "MathsClass"))).toThrow(/one of the manager's own types/);
    expect(() => Manager.register("Bad", (() => ({})) as never)).toThrow(/it never runs code sent to it/);
    expect(() => Manager.register("bad name", task(MATHS, "MathsClass"))).toThrow(TypeError);
    expect(() => Manager.register("Ok", task(MATHS, "MathsClass"), { exposed: "add" as never })).toThrow(TypeError);
    const later = await manager.create("Maths").catch((error: Error) => error);
    expect(later).not.toBeInstanceOf(Error);
  });
});
