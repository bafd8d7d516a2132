export { MeshChainCheckField, CHECK_DEBOUNCE_MS } from './MeshChainCheckField';
export { meshChainCheckValidation } from './validation';
export {
  MeshChainCheckFieldSchema,
  meshChainCheckFieldOptions,
  meshChainCheckFormField,
} from './field';
export type { MeshChainCheckUiOptions } from './checkRequest';
