export { MeshContent } from './MeshContent';
