// Entry of a decision thread started from TypeScript run by tsx: registers tsx in this thread,
// then loads the TypeScript module named in workerData.entry and hands its task function to piscina.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { default: decideChunk } = await import(workerData.entry);
export default decideChunk;
