export * from './types';
export { MemorySnapshot, watchedKindOf } from './MemorySnapshot';
