export { MeshCard, type EntityMeshCardProps } from './MeshCard';
