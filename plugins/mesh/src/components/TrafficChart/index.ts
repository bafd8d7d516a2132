export { TrafficChart } from './TrafficChart';
