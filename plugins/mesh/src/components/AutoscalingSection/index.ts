export { AutoscalingSection, HpaDetails } from './AutoscalingSection';
