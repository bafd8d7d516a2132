import { screen } from '@testing-library/react';
import { renderApp } from './__testUtils__/renderApp';
import { signInProviders } from './modules/signIn/providers';

// Rendering the whole app takes a few seconds on a shared machine.
jest.setTimeout(30_000);

describe('App', () => {
  it('renders, offering guest sign-in (development, app-config.yaml)', async () => {
    await renderApp({ app: { signIn: { providers: ['guest'] } } });
    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 10_000 }),
    ).toBeVisible();
    expect(screen.queryByText('GitHub')).toBeNull();
  });

  it('names an unknown sign-in provider and the known ones', () => {
    expect(() => signInProviders(['github', 'oidc'])).toThrow(
      "app.signIn.providers: unknown provider 'oidc'; use one of guest, github, gitlab, google, microsoft, okta",
    );
  });
});
