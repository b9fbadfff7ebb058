// Resolves a task spec in a worker and calls it, as Process and Pool do.
import { parentPort } from "node:worker_threads";
import { callTask, resolveTask, serializeError } from "@multiproc/core/internal";
import { fixtureData } from "@multiproc/test-utils";

const { spec, args } = await fixtureData();
try {
  const fn = await resolveTask(spec);
  parentPort.postMessage({ value: await callTask(spec, fn, args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
