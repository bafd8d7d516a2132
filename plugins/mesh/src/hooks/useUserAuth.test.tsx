import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { createApiRef } from '@backstage/core-plugin-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { chain, chainResponse, componentEntity } from '../__fixtures__/chains';

const checkoutEntity = componentEntity('checkout');
import {
  BASE_URL,
  noChangeTargets,
  renderWithEntity,
} from '../__testUtils__/testUtils';
import { MeshContent } from '../components/MeshContent';

jest.setTimeout(20_000);

const server = setupServer();
registerMswTestHooks(server);

// What @backstage/plugin-kubernetes registers under this id.
const kubernetesAuthProvidersApiRef = createApiRef<unknown>({
  id: 'plugin.kubernetes.auth-providers',
});

function serve(clusters: unknown[]) {
  const seen: { header: string | null }[] = [];
  server.use(
    noChangeTargets(),
    http.get(`${BASE_URL}/clusters`, () => HttpResponse.json({ clusters })),
    http.get(
      `${BASE_URL}/entities/component/default/checkout`,
      ({ request }) => {
        seen.push({ header: request.headers.get('backstage-mesh-auth') });
        return HttpResponse.json(
          chainResponse('checkout', [chain('dev/checkout')]),
        );
      },
    ),
  );
  return seen;
}

describe('user credentials for clusters read with the user’s own token', () => {
  it('sends the signed-in user’s token for a google cluster, through the Kubernetes auth providers', async () => {
    const seen = serve([
      { name: 'dev', authProvider: 'serviceAccount', authMode: 'server' },
      { name: 'gke', authProvider: 'google', authMode: 'user' },
      {
        name: 'corp',
        authProvider: 'oidc',
        oidcTokenProvider: 'okta',
        authMode: 'user',
      },
    ]);
    const decorateRequestBodyForAuth = jest.fn(
      async (provider: string, body: { auth?: object }) => ({
        auth: {
          ...body.auth,
          ...(provider === 'google'
            ? { google: 'user-access-token' }
            : { oidc: { okta: 'user-id-token' } }),
        },
      }),
    );
    renderWithEntity(<MeshContent />, checkoutEntity, {
      apis: [[kubernetesAuthProvidersApiRef, { decorateRequestBodyForAuth }]],
    });
    expect(
      await screen.findByLabelText('Routes in dev', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(decorateRequestBodyForAuth.mock.calls.map(c => c[0])).toEqual([
      'google',
      'oidc.okta',
    ]);
    expect(JSON.parse(seen[0].header!)).toEqual({
      google: 'user-access-token',
      oidc: { okta: 'user-id-token' },
    });
  });

  it('sends nothing and asks for no sign-in when every cluster is read by the backend', async () => {
    const seen = serve([
      { name: 'dev', authProvider: 'serviceAccount', authMode: 'server' },
    ]);
    const decorateRequestBodyForAuth = jest.fn();
    renderWithEntity(<MeshContent />, checkoutEntity, {
      apis: [[kubernetesAuthProvidersApiRef, { decorateRequestBodyForAuth }]],
    });
    expect(
      await screen.findByLabelText('Routes in dev', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(decorateRequestBodyForAuth).not.toHaveBeenCalled();
    expect(seen[0].header).toBeNull();
  });

  it('still shows the chain when the user declines to sign in', async () => {
    const seen = serve([
      { name: 'gke', authProvider: 'google', authMode: 'user' },
    ]);
    const decorateRequestBodyForAuth = jest.fn(async () => {
      throw new Error('Login failed, popup was closed');
    });
    renderWithEntity(<MeshContent />, checkoutEntity, {
      apis: [[kubernetesAuthProvidersApiRef, { decorateRequestBodyForAuth }]],
    });
    expect(
      await screen.findByLabelText('Routes in dev', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(seen[0].header).toBeNull();
  });
});
