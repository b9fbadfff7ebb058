// An app that a bundler turned into one file, multiproc inlined: the Pool's
// worker file is not beside the bundle. The Pool must say so, and what to do.
import { Pool, Process } from "multiproc";

const errors = [];
for (const start of [() => new Pool({ processes: 1 }), () => new Process({ target: () => {} }).start()]) {
  try {
    start();
    errors.push(null);
  } catch (error) {
    errors.push({ name: error.name, code: error.code, message: error.message });
  }
}
console.log(JSON.stringify(errors));
