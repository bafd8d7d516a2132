import { screen } from '@testing-library/react';
import { renderApp } from './__testUtils__/renderApp';

// Rendering the whole app takes a few seconds on a shared machine.
jest.setTimeout(30_000);

describe('App in production (app-config.production.yaml)', () => {
  it('offers GitHub sign-in, and no guest', async () => {
    await renderApp({ app: { signIn: { providers: ['github'] } } });
    expect(
      await screen.findByText('Sign in with your GitHub account', undefined, {
        timeout: 10_000,
      }),
    ).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Enter' })).toBeNull();
  });
});
