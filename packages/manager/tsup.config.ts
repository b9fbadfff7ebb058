import { defineConfig, packageBuild } from "../../tools/tsup.base.ts";

export default defineConfig(packageBuild({ worker: "src/worker.ts", "client-thread": "src/client-thread.ts" }));
