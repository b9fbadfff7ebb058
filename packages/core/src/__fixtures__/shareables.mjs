// Receives values with shareables through both paths (message and bytes),
// adds to every Counter found, and echoes bytes back for the parent to decode.
import { parentPort } from "node:worker_threads";
import { decode, encode, fromMessage } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { message, bytes } = await fixtureData();
const fromMsg = fromMessage(message);
fromMsg.deep.list[1].counter.add(10);
fromMsg.pair.left.add(100);
const fromBytes = decode(bytes);
fromBytes.map.get("k").add(1000);
parentPort.postMessage({ echo: encode({ again: fromBytes.map.get("k"), n: fromMsg.deep.list[0] }) });
