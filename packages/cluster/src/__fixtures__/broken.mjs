// A task module whose import fails on the worker: its top level throws.
throw new RangeError("broken.mjs cannot be loaded: its configuration is missing");
