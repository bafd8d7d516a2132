/*
 * The field's validation, run by the scaffolder when the user leaves the
 * page it is on (Review): it checks the form's values as they are now, and
 * an error of the chain that would refuse the run keeps the form from going
 * on, naming the MESH code and the fix. Warnings, and a check that could
 * not run, do not block: the field shows them, and the template's
 * mesh:chain:apply step checks the chain again when it runs.
 */
import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import {
  blockingFindings,
  blockingMessage,
  meshApiOf,
  templateRefOf,
  valuesToCheck,
  type MeshChainCheckUiOptions,
} from './checkRequest';

/**
 * Validation of the `MeshChainCheck` field: fails with each error that
 * would refuse the template's run.
 *
 * @public
 */
export const meshChainCheckValidation: CustomFieldValidator<
  string[],
  MeshChainCheckUiOptions
> = async (value, validation, context) => {
  const templateRef = templateRefOf(
    context.uiSchema?.['ui:options'],
    window.location.pathname,
  );
  const api = meshApiOf(context.apiHolder);
  if (!templateRef || !api) return;
  let result;
  try {
    result = await api.checkTemplate({
      templateRef,
      values: valuesToCheck(context.formData, { value }),
    });
  } catch {
    // The field shows what failed; the run checks the chain again.
    return;
  }
  for (const finding of blockingFindings(result)) {
    validation.addError(blockingMessage(finding));
  }
};
