import { useCallback, useRef } from 'react';
import { createApiRef, useApi, useApiHolder } from '@backstage/core-plugin-api';
import { meshApiRef } from '../api';

/**
 * The part of the stock Kubernetes plugin's `KubernetesAuthProvidersApi`
 * this plugin uses. The ref has the same id as `kubernetesAuthProvidersApiRef`
 * of `@backstage/plugin-kubernetes-react`, so the implementation the
 * Kubernetes plugin registers (Google, OIDC, AKS sign-in) is found when it is
 * installed, and nothing is needed when it is not.
 */
interface KubernetesAuthProviders {
  decorateRequestBodyForAuth(
    authProvider: string,
    requestBody: Record<string, unknown>,
  ): Promise<{ auth?: Record<string, unknown> }>;
}

const kubernetesAuthProvidersRef = createApiRef<KubernetesAuthProviders>({
  id: 'plugin.kubernetes.auth-providers',
});

/**
 * Returns a function that collects the signed-in user's credentials for the
 * clusters the backend reads with the user's own token (`authMode: user`),
 * through the Kubernetes plugin's auth providers. Resolves to `undefined`
 * when no cluster needs them, when the Kubernetes plugin's auth providers
 * are not installed, or when they fail (the cluster then shows its
 * "credentials" error in place, and the others are unaffected).
 */
export function useUserAuth(): () => Promise<
  Record<string, unknown> | undefined
> {
  const api = useApi(meshApiRef);
  const providers = useApiHolder().get(kubernetesAuthProvidersRef);
  const clusters = useRef<Promise<string[]> | undefined>(undefined);

  return useCallback(async () => {
    if (!providers) return undefined;
    clusters.current ??= api
      .getClusters()
      .then(list =>
        list
          .filter(c => c.authMode === 'user')
          .map(c =>
            c.authProvider === 'oidc' && c.oidcTokenProvider
              ? `oidc.${c.oidcTokenProvider}`
              : c.authProvider,
          ),
      )
      .catch(() => []);
    const authProviders = [...new Set(await clusters.current)];
    let auth: Record<string, unknown> = {};
    for (const provider of authProviders) {
      try {
        const body = await providers.decorateRequestBodyForAuth(provider, {
          auth,
        });
        auth = { ...auth, ...body.auth };
      } catch {
        // The user declined to sign in, or the provider is not set up.
      }
    }
    return Object.keys(auth).length ? auth : undefined;
  }, [api, providers]);
}
