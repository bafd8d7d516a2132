export { ResourceDrawer } from './ResourceDrawer';
