// What the README tells users to preload for TypeScript targets on Node 20.
import { register } from "tsx/esm/api";

register();
