// Raw MessagePort throughput (a plain Worker, not a Process): role "send"
// posts n items; role "receive" counts them. Times go into the shared gate.
import { workerData } from "node:worker_threads";
import { makeItem } from "../items.mjs";
import { begin, end } from "./gate.mjs";

const { port, role, kind, n, gate, i } = workerData;
const item = makeItem(kind);
begin(gate, i);
if (role === "send") {
  for (let k = 0; k < n; k++) port.postMessage(item);
  end(gate, i);
  port.close();
} else {
  let received = 0;
  port.on("message", () => {
    if (++received === n) {
      end(gate, i);
      port.close();
    }
  });
}
