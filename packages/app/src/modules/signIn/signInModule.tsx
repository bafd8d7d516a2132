import { SignInPage } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';
import { signInProviders } from './providers';

/** The sign-in page with the providers of `app.signIn.providers`. */
export function ConfiguredSignInPage(props: SignInPageProps) {
  const config = useApi(configApiRef);
  const providers = signInProviders(
    config.getOptionalStringArray('app.signIn.providers'),
  );
  return <SignInPage {...props} providers={providers} />;
}

/**
 * Replaces the app's default sign-in page (guest only) with one that offers
 * the configured providers: guest in development (app-config.yaml), a real
 * provider in production (app-config.production.yaml).
 */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: { loader: async () => ConfiguredSignInPage },
    }),
  ],
});
