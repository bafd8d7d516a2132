export { ChangeControls } from './ChangeControls';
