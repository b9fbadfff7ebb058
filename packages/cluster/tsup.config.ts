import { defineConfig, packageBuild } from "../../tools/tsup.base.ts";

export default defineConfig(packageBuild({ cli: "src/cli.ts" }));
