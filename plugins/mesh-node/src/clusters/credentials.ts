import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE,
  ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID,
} from '@backstage/plugin-kubernetes-common';
import type { MeshClusterCredential } from './types';

/**
 * Providers that can be a separate credential: the backend holds them.
 * (`localKubectlProxy` has no credential; `google`, `oidc` and `aks` are the
 * signed-in user's.)
 */
export const SEPARATE_CREDENTIAL_PROVIDERS = [
  'serviceAccount',
  'aws',
  'googleServiceAccount',
  'azure',
];

/**
 * Reads a credential configured like a cluster's auth in
 * `kubernetes.clusterLocatorMethods`: `authProvider` (default
 * `serviceAccount`) and its fields, `serviceAccountToken` (required for
 * `serviceAccount`: a separate credential never falls back to the pod's
 * own token) or `assumeRole` / `externalId` (for `aws`).
 *
 * @param config - the block holding the fields
 * @param at - its path, for error messages (e.g. `mesh.scaffolder.targets[0].credentials`)
 * @public
 */
export function readClusterCredential(
  config: Config,
  at: string,
): MeshClusterCredential {
  const authProvider =
    config.getOptionalString('authProvider') ?? 'serviceAccount';
  if (!SEPARATE_CREDENTIAL_PROVIDERS.includes(authProvider)) {
    throw new InputError(
      `${at}.authProvider '${authProvider}' cannot be used here; use one whose credential the backend holds: ${SEPARATE_CREDENTIAL_PROVIDERS.join(
        ', ',
      )}`,
    );
  }
  const serviceAccountToken = config.getOptionalString('serviceAccountToken');
  const assumeRole = config.getOptionalString('assumeRole');
  const externalId = config.getOptionalString('externalId');
  if (authProvider === 'serviceAccount' && !serviceAccountToken) {
    throw new InputError(
      `${at}.serviceAccountToken is missing; set the token of the service account this credential is (e.g. serviceAccountToken: \${MY_TOKEN})`,
    );
  }
  return {
    authProvider,
    authMetadata: {
      ...(serviceAccountToken && { serviceAccountToken }),
      ...(assumeRole && {
        [ANNOTATION_KUBERNETES_AWS_ASSUME_ROLE]: assumeRole,
      }),
      ...(externalId && {
        [ANNOTATION_KUBERNETES_AWS_EXTERNAL_ID]: externalId,
      }),
    },
  };
}
