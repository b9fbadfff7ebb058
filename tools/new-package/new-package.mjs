// Scaffolds packages/<dir> for @multiproc/<dir>: package.json, tsconfig,
// tsup and vitest configs, src/index.ts. Usage: node tools/new-package/new-package.mjs <dir> "<description>" [dep ...]
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

const [dir, description, ...deps] = process.argv.slice(2);
if (!dir || !description) {
  console.error('usage: node tools/new-package/new-package.mjs <dir> "<description>" [@multiproc/dep ...]');
  process.exit(2);
}
const root = new URL(`../../packages/${dir}/`, import.meta.url);
if (existsSync(root)) {
  console.error(`packages/${dir} exists already`);
  process.exit(1);
}
mkdirSync(new URL("src/", root), { recursive: true });
const dependencies = Object.fromEntries(["@multiproc/core", ...deps].map((d) => [d, "^0.0.0"]));
const pkg = {
  name: `@multiproc/${dir}`,
  version: "0.0.0",
  description,
  license: "MIT",
  type: "module",
  engines: { node: ">=20.19" },
  main: "./dist/index.cjs",
  module: "./dist/index.js",
  types: "./dist/index.d.ts",
  exports: {
    ".": {
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    },
    "./package.json": "./package.json",
  },
  files: ["dist"],
  dependencies,
  scripts: { build: "tsup", test: "vitest run", typecheck: "tsc -p ." },
};
const files = {
  "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
  "tsconfig.json": '{ "extends": "../../tsconfig.base.json", "include": ["src", "*.ts"] }\n',
  "tsup.config.ts": 'import { defineConfig, packageBuild } from "../../tools/tsup.base.ts";\n\nexport default defineConfig(packageBuild());\n',
  "vitest.config.ts":
    'import { defineProject, mergeConfig } from "vitest/config";\nimport base from "../../tools/vitest.base.ts";\n\nexport default mergeConfig(base, defineProject({}));\n',
  "src/index.ts": "export {};\n",
};
for (const [name, text] of Object.entries(files)) writeFileSync(new URL(name, root), text);
console.log(`created packages/${dir}; run npm install to link it`);
