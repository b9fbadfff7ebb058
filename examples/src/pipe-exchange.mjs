// A Pipe exchange, as Python's `parent_conn, child_conn = Pipe()` example:
// the child answers questions until the parent closes its end.
import { EOFError, Pipe, Process } from "multiproc";

const [parent, child] = Pipe();
const p = new Process({
  target: async (conn) => {
    const { EOFError } = await import("multiproc");
    for (;;) {
      try {
        const question = await conn.recv();
        conn.send(`${question} -> ${question.length} letters`);
      } catch (error) {
        if (error instanceof EOFError) return; // the parent closed its end
        throw error;
      }
    }
  },
  args: [child],
});
p.start();
for (const word of ["hello", "multiproc", "pipe"]) {
  parent.send(word);
  console.log(await parent.recv());
}
parent.close();
await p.join();
console.log(`child exited with ${p.exitCode}; EOFError is ${EOFError.name}`);
