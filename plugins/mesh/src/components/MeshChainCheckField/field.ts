/*
 * The MeshChainCheck field as the scaffolder's form wants it, for the new
 * frontend system (`createFormField`) and for legacy apps
 * (`createScaffolderFieldExtension` in ../../plugin.ts).
 */
import {
  makeFieldSchema,
  type FieldExtensionOptions,
} from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { MeshChainCheckField } from './MeshChainCheckField';
import { meshChainCheckValidation } from './validation';
import type { MeshChainCheckUiOptions } from './checkRequest';

/**
 * The field's value (the findings, one per line, which the review page
 * lists) and its `ui:options`.
 *
 * @public
 */
export const MeshChainCheckFieldSchema = makeFieldSchema({
  output: z => z.array(z.string()),
  uiOptions: z =>
    z.object({
      templateRef: z
        .string()
        .optional()
        .describe(
          'The template to check, e.g. template:default/mesh-service; defaults to the template of the page',
        ),
    }),
});

/**
 * The field as legacy apps and the scaffolder's `Stepper` take it.
 *
 * @public
 */
export const meshChainCheckFieldOptions: FieldExtensionOptions<
  string[],
  MeshChainCheckUiOptions
> = {
  name: 'MeshChainCheck',
  component: MeshChainCheckField,
  validation: meshChainCheckValidation,
  schema: MeshChainCheckFieldSchema.schema,
};

/** The field for the new frontend system's `FormFieldBlueprint`. */
export const meshChainCheckFormField = createFormField({
  name: 'MeshChainCheck',
  component: MeshChainCheckField,
  validation: meshChainCheckValidation,
  schema: MeshChainCheckFieldSchema,
});
