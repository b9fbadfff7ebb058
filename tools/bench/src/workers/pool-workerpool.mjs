// workerpool's worker: registers the shared task functions by name.
import workerpool from "workerpool";
import { busy, bytes, spin, square } from "./pool-tasks.mjs";

workerpool.worker({ square, spin, busy, bytes });
