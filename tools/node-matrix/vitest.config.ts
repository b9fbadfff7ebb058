import { defineProject, mergeConfig } from "vitest/config";
import base from "../vitest.base.ts";

export default mergeConfig(base, defineProject({ test: { testTimeout: 600_000, hookTimeout: 300_000 } }));
