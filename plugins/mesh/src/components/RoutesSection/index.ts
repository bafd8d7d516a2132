export { RoutesSection, subsetColor } from './RoutesSection';
