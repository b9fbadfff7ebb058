// A remote manager's client in an OS process of its own, for the remote
// scenario: "victim" makes lists and writes its own dict forever, printing
// a line per step (it is killed); "count" adds 1 to the shared Tally n times.
import { Manager } from "multiproc";

const [port, authkey, mode, times] = process.argv.slice(2);
const manager = await Manager.connect({ address: ["127.0.0.1", Number(port)], authkey });
if (mode === "victim") {
  const own = await manager.dict();
  const held = [];
  for (let i = 0; ; i++) {
    held.push(i % 2 ? manager.listSync([i]) : await manager.list([i]));
    await own.set(`k${i % 4}`, held.length);
    own.getSync("k0");
    console.log(i);
  }
} else {
  const tally = await manager.create("Tally");
  for (let i = 0; i < Number(times); i++) i % 2 ? tally.addSync("n", 1) : await tally.add("n", 1);
  await manager.close();
}
