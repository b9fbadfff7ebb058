// A pool task that reads a managed dict holding a pipe Connection in a
// thread that cannot load @multiproc/pipe (as on Node 22.0–22.11, which
// cannot require() an ES module): the replies carrying it cannot be decoded.
const state = () => globalThis[Symbol.for("multiproc.core")];
const failure = (promise) => promise.then(() => "no error", (error) => error.message);

export async function readWhereItCannotLoad(dict) {
  Object.defineProperty(process.features, "require_module", { value: false, configurable: true });
  state().deferred?.delete("@multiproc/pipe");
  const asyncError = await failure(dict.get("end"));
  let syncError = "no error";
  try {
    dict.getSync("end");
  } catch (error) {
    syncError = error.message;
  }
  // Its reply comes first while the sync call below waits for its own.
  const crossed = failure(dict.get("end"));
  const n = dict.getSync("n");
  return { asyncError, syncError, crossed: await crossed, n, after: await dict.get("n") };
}
