// poolifier's worker: the shared task functions, by name.
import { ThreadWorker } from "poolifier";
import { busy, bytes, spin, square } from "./pool-tasks.mjs";

export default new ThreadWorker({ square, spin, busy, bytes });
