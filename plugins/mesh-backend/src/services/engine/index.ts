export { meshChainEngineServiceRef } from './engineServiceRef';
