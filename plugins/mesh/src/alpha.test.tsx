import { screen } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  registerMswTestHooks,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { createTestEntityPage } from '@backstage/plugin-catalog-react/testUtils';
import meshPlugin from './alpha';
import {
  chain,
  chainResponse,
  componentEntity,
  unannotatedEntity,
} from './__fixtures__/chains';
import { noChangeTargets } from './__testUtils__/testUtils';

jest.setTimeout(20_000);

const server = setupServer();
registerMswTestHooks(server);

const BACKEND = 'http://localhost:7007';

function serveChain() {
  server.use(
    noChangeTargets(`${BACKEND}/api/mesh`),
    http.get(
      `${BACKEND}/api/mesh/entities/component/default/legacy-reports`,
      () =>
        // A small chain: this test is about wiring, not the sections.
        HttpResponse.json(
          chainResponse('legacy-reports', [chain('dev/legacy-reports')]),
        ),
    ),
  );
}

describe('new frontend system', () => {
  it('is the mesh plugin with its API, tab, card and template field', () => {
    expect(meshPlugin.id).toBe('mesh');
    expect(meshPlugin.getExtension('api:mesh')).toBeDefined();
    // The ids the app config uses to configure or disable them.
    expect(meshPlugin.getExtension('entity-content:mesh')).toBeDefined();
    expect(meshPlugin.getExtension('entity-card:mesh')).toBeDefined();
    // The template form's MeshChainCheck field, for the scaffolder's page.
    expect(
      meshPlugin.getExtension('scaffolder-form-field:mesh/mesh-chain-check'),
    ).toBeDefined();
  });

  it('shows the card and the tab content for an annotated component, through the plugin’s own API', async () => {
    serveChain();
    renderTestApp({
      features: [meshPlugin],
      extensions: [
        createTestEntityPage({ entity: componentEntity('legacy-reports') }),
      ],
      config: { backend: { baseUrl: BACKEND } },
    });
    // The card…
    expect(
      await screen.findByText(
        (_, el) =>
          el?.tagName === 'DD' && el.textContent === 'NodePort · node ports',
        {},
        { timeout: 10_000 },
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('View service mesh')).toBeInTheDocument();
    // …and the tab's content (the test page shows a single content directly).
    expect(
      await screen.findByLabelText('Ports of Service legacy-reports'),
    ).toBeInTheDocument();
  });

  it('shows neither tab nor card without the Kubernetes annotations', async () => {
    renderTestApp({
      features: [meshPlugin],
      extensions: [createTestEntityPage({ entity: unannotatedEntity })],
      config: { backend: { baseUrl: BACKEND } },
    });
    // The test page renders; the mesh extensions filtered themselves out.
    await new Promise(r => setTimeout(r, 200));
    expect(screen.queryByText('Service Mesh')).not.toBeInTheDocument();
    expect(screen.queryByText(/Missing Annotation/i)).not.toBeInTheDocument();
  });
});
