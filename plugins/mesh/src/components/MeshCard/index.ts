export { MeshCard } from './MeshCard';
