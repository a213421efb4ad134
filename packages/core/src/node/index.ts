/** Node-only parts of @statekit/core: files on disk, atomic writes, path-based save/load. */
export {
  atomicFileSink,
  type FileSinkOptions,
  removePendingTemporaries,
} from './atomic-sink.js';
export { fileSource } from './file-source.js';
export { loadStates, type SaveStatesFileOptions, saveStates } from './states.js';
