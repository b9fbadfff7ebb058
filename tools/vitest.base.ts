import { defineConfig } from "vitest/config";

// Tests import their own package by name, so they (and the workers they start)
// run the built dist/: test what you ship (TOOLCHAIN section 3).
export default defineConfig({
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
  },
});
