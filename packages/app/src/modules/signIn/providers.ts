import {
  githubAuthApiRef,
  gitlabAuthApiRef,
  googleAuthApiRef,
  microsoftAuthApiRef,
  oktaAuthApiRef,
} from '@backstage/core-plugin-api';
import type { SignInProviderConfig } from '@backstage/core-components';

/**
 * The sign-in providers the page can offer, by the name used in
 * `app.signIn.providers` (the same as under `auth.providers` in the
 * backend). Each needs its backend module and `auth.providers.<name>`.
 */
export const SIGN_IN_PROVIDERS: Record<string, 'guest' | SignInProviderConfig> =
  {
    guest: 'guest',
    github: {
      id: 'github-auth-provider',
      title: 'GitHub',
      message: 'Sign in with your GitHub account',
      apiRef: githubAuthApiRef,
    },
    gitlab: {
      id: 'gitlab-auth-provider',
      title: 'GitLab',
      message: 'Sign in with your GitLab account',
      apiRef: gitlabAuthApiRef,
    },
    google: {
      id: 'google-auth-provider',
      title: 'Google',
      message: 'Sign in with your Google account',
      apiRef: googleAuthApiRef,
    },
    microsoft: {
      id: 'microsoft-auth-provider',
      title: 'Microsoft',
      message: 'Sign in with your Microsoft account',
      apiRef: microsoftAuthApiRef,
    },
    okta: {
      id: 'okta-auth-provider',
      title: 'Okta',
      message: 'Sign in with your Okta account',
      apiRef: oktaAuthApiRef,
    },
  };

/**
 * The providers of `app.signIn.providers` (default: guest), in order;
 * throws naming the unknown one and the known ones.
 */
export function signInProviders(
  names: string[] | undefined,
): Array<'guest' | SignInProviderConfig> {
  return (names ?? ['guest']).map(name => {
    const provider = SIGN_IN_PROVIDERS[name];
    if (!provider) {
      throw new Error(
        `app.signIn.providers: unknown provider '${name}'; use one of ${Object.keys(
          SIGN_IN_PROVIDERS,
        ).join(', ')}`,
      );
    }
    return provider;
  });
}
