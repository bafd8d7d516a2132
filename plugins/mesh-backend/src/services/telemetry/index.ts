export { TelemetryService } from './TelemetryService';
export { TrafficChainService } from './TrafficChainService';
export { readTelemetrySettings } from './settings';
export {
  trafficHistory,
  MIN_WINDOW_SECONDS,
  MAX_WINDOW_SECONDS,
} from './history';
