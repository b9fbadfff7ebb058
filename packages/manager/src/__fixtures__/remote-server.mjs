// A remote manager in its own OS process: prints {"port"} once it listens, serves until SIGTERM.
import { task } from "@multiproc/core";
import { Manager } from "@multiproc/manager";

const [authkey, maxMessageSize] = process.argv.slice(2);
Manager.register("Tally", task(new URL("./tally.mjs", import.meta.url), "sharedTally"));
const manager = await Manager({ address: ["127.0.0.1", 0], authkey, ...(maxMessageSize && { maxMessageSize: Number(maxMessageSize) }) });
process.once("SIGTERM", () => void manager.shutdown());
console.log(JSON.stringify({ port: manager.address[1] }));
await manager.serveForever();
