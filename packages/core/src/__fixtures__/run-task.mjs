// Resolves a task spec in a worker and calls it, as Process and Pool do.
import { workerData, parentPort } from "node:worker_threads";
import { callTask, resolveTask, serializeError } from "@multiproc/core";

const { spec, args } = workerData.data;
try {
  const fn = await resolveTask(spec);
  parentPort.postMessage({ value: await callTask(spec, fn, args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
