export { RouteSimulator } from './RouteSimulator';
