/*
 * What a direct read (with the user's credential) fetches: the read plan of
 * the chain engine (`broadReads`, then `missingReads` round after round),
 * shared with every data layer that reads a cluster for the engine.
 */
export { broadReads, missingReads } from '@mesh-chain/plugin-mesh-common';
