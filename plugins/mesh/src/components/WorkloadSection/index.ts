export { WorkloadSection, DeploymentDetails } from './WorkloadSection';
