export { ChainDiagram } from './ChainDiagram';
