import { deserializeError } from "@multiproc/core/internal";
import { runFixture } from "@multiproc/test-utils";

const WORKER = new URL("./worker.mjs", import.meta.url);

/** Runs scenario `name` of worker.mjs in a worker thread; its return value, or its error rethrown here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function inWorker(name: string, args: Record<string, unknown>): Promise<any> {
  const reply = await runFixture(WORKER, { name, args });
  if (reply.error) throw deserializeError(reply.error);
  return reply.ok;
}
