import { defineProject, mergeConfig } from "vitest/config";
import base from "../../tools/vitest.base.ts";

export default mergeConfig(base, defineProject({}));
