// Python's Manager example: processes share a dict and a list through a
// manager, a Namespace holds settings, and a manager Lock keeps each
// read-modify-write whole.
import { Manager, Process } from "multiproc";

const manager = await Manager();
try {
  const counts = await manager.dict();
  const seen = await manager.list();
  const settings = await manager.Namespace({ separator: " " });
  const lock = manager.Lock();
  const texts = ["a b a", "b c", "a c c", "d"];
  const workers = texts.map(
    (text, i) =>
      new Process({
        target: (counts, seen, settings, lock, text, i) => {
          for (const word of text.split(settings.separator)) {
            lock.acquireSync();
            try {
              counts.setSync(word, counts.getSync(word, 0) + 1);
            } finally {
              lock.release();
            }
          }
          seen.appendSync(i);
        },
        args: [counts, seen, settings, lock, text, i],
      }),
  );
  for (const p of workers) p.start();
  for (const p of workers) await p.join();
  const sorted = [...(await counts.items())].sort(([a], [b]) => (a < b ? -1 : 1));
  console.log(`word counts: ${sorted.map(([word, n]) => `${word}=${n}`).join(" ")}`);
  await seen.sort();
  console.log(`texts done: ${(await seen.copy()).join(", ")}; objects in the manager: ${await manager.numberOfObjects()}`);
} finally {
  await manager.shutdown();
}
