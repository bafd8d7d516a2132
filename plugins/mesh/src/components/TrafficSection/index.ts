export { TrafficSection } from './TrafficSection';
