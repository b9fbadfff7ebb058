/**
 * Node built-ins that core needs only now and then, loaded on first use
 * with `process.getBuiltinModule` (Node >= 20.16), which returns the
 * CommonJS module object. An ESM `import` of them costs a new worker
 * milliseconds at start, measured on this 2-core VM: `node:v8` about 3.5 ms.
 * (`node:fs` costs more, but any worker that imports an ES module file loads
 * most of it anyway, for the ESM loader.) Many workers never need them:
 * v8's serializer only for values off the codec's own paths (a Process with
 * plain args), fs only to write output directly or to check a worker file,
 * vm only for a forced gc.
 */
let v8: typeof import("node:v8") | undefined;
let fs: typeof import("node:fs") | undefined;
let vm: typeof import("node:vm") | undefined;

export const v8Module = (): typeof import("node:v8") => (v8 ??= process.getBuiltinModule("node:v8"));
export const fsModule = (): typeof import("node:fs") => (fs ??= process.getBuiltinModule("node:fs"));
export const vmModule = (): typeof import("node:vm") => (vm ??= process.getBuiltinModule("node:vm"));
