import { defineProject, mergeConfig } from "vitest/config";
import base from "../../tools/vitest.base.ts";

// Each test file starts its own redis-server and worker processes: one file at a time on 2 cores.
export default mergeConfig(base, defineProject({ test: { fileParallelism: false } }));
