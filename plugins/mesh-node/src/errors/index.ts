export { classifyClusterError } from './classifyClusterError';
