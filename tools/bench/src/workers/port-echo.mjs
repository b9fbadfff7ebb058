// Raw MessagePort round trips: echo every message back.
import { workerData } from "node:worker_threads";

const { port } = workerData;
port.on("message", (m) => port.postMessage(m));
