// A client of a remote manager in its own OS process: runs one scenario and prints its outcome as JSON.
import { Lock } from "@multiproc/lock";
import { Process } from "@multiproc/process";
import { Manager } from "@multiproc/manager";

const [port, authkey, scenario, arg] = process.argv.slice(2);
const errorOf = async (fn) => {
  try {
    await fn();
    return "no error";
  } catch (error) {
    return `${error.name}: ${error.message}`;
  }
};

let manager;
try {
  manager = await Manager.connect({ address: ["127.0.0.1", Number(port)], authkey, ...(scenario === "basic" && { maxMessageSize: 64 * 1024 }) });
} catch (error) {
  console.log(JSON.stringify({ connectError: error.name, code: error.code ?? null, message: error.message }));
  process.exit(0);
}

if (scenario === "basic") {
  const d = await manager.dict({ a: 1 });
  d.setSync("b", [1, { deep: true }]);
  const inner = await manager.list([1]);
  await d.set("inner", inner);
  const again = await d.get("inner");
  await again.append(2);
  const ns = await manager.Namespace({ x: 1 });
  ns.y = 2;
  // A Process of this client uses the proxies it is given, through this client's connection.
  const child = new Process({
    target: (dict, list) => {
      list.appendSync(3);
      dict.setSync("child", "was here");
    },
    args: [d, inner],
  });
  child.start();
  await child.join();
  const tally = await manager.create("Tally");
  const out = {
    remote: manager.remote,
    address: manager.address,
    items: (await d.items()).map(([key, value]) => [key, key === "inner" ? String(value).split(" ")[0] : value]),
    inner: await inner.copy(),
    innerIsProxy: String(again).startsWith("<ListProxy"),
    ns: [ns.x, ns.y],
    tally: [await tally.add("basic", 5), tally.getSync("basic")],
    childExit: child.exitCode,
    keyError: await errorOf(() => d.pop("nope")),
    indexError: await errorOf(() => inner.get(10)),
    lock: await errorOf(() => manager.Lock()),
    sendLock: await errorOf(() => d.set("lock", new Lock())),
    sendFunction: await errorOf(() => d.set("f", () => 1)),
    unchanged: await d.keys(),
    shutdown: await errorOf(() => manager.shutdown()),
    tooBig: await errorOf(() => d.set("big", "x".repeat(100 * 1024))),
    stillWorks: await d.get("a"),
  };
  await manager.close();
  out.afterClose = await errorOf(() => d.get("a"));
  out.afterCloseSync = await errorOf(() => d.getSync("a"));
  console.log(JSON.stringify(out));
} else if (scenario === "increment") {
  const tally = await manager.create("Tally");
  for (let i = 0; i < Number(arg); i++) i % 2 ? tally.addSync("n", 1) : await tally.add("n", 1);
  console.log(JSON.stringify({ done: true }));
  await manager.close();
} else if (scenario === "hold") {
  // Makes objects and holds them until killed.
  const kept = [];
  for (let i = 0; i < 10; i++) kept.push(await manager.dict({ i }), manager.listSync([i]));
  console.log(JSON.stringify({ holding: kept.length }));
  setInterval(() => {}, 1000);
}
