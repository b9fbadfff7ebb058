// A user's CommonJS program: the require() builds, a Pipe to a Process.
const { Pipe, Process, task } = require("multiproc");
const { pathToFileURL } = require("node:url");
const path = require("node:path");

(async () => {
  const [here, there] = Pipe();
  const child = new Process({ target: task(pathToFileURL(path.join(__dirname, "echo.cjs")), "echo"), args: [there] });
  child.start();
  here.send({ hello: "cjs" });
  const back = await here.recv();
  here.close();
  await child.join();
  console.log(JSON.stringify({ back, exitCode: child.exitCode }));
})();
