// Pipe scenarios in a worker; replies { ok } or { error }.
import { parentPort } from "node:worker_threads";
import { serializeError } from "@multiproc/core/internal";
import { EOFError } from "@multiproc/pipe";
import { fixtureData } from "@multiproc/test-utils";

const { name, args } = await fixtureData();

const scenarios = {
  // Answers every message with { echo: message } until EOF; returns how many it answered.
  echo: async ({ conn, mode }) => {
    let answered = 0;
    for (;;) {
      let message;
      try {
        message = mode === "async" ? await conn.recv() : conn.recvSync();
      } catch (error) {
        if (error instanceof EOFError) return answered;
        throw error;
      }
      conn.send({ echo: message });
      answered++;
    }
  },
  // Holds its end, then dies without closing it.
  holdAndExit: ({ conn }) => {
    void conn;
    process.exit(3);
  },
  // Sends `count` numbered messages, then closes its end.
  sendMany: ({ conn, count, delay }) => {
    if (delay) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delay);
    for (let i = 0; i < count; i++) conn.send(i);
    conn.close();
  },
};

try {
  parentPort.postMessage({ ok: await scenarios[name](args) });
} catch (error) {
  parentPort.postMessage({ error: serializeError(error) });
}
