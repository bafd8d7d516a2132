/*
 * The legacy frontend system: an app built with createApp from
 * @backstage/app-defaults, the catalog's entity page with an overview card
 * and a "Service Mesh" tab, exactly as the README tells platform engineers to
 * wire it.
 */
import { Route } from 'react-router-dom';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { createApp } from '@backstage/app-defaults';
import { AppRouter, FlatRoutes } from '@backstage/core-app-api';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { renderInTestApp } from '@backstage/test-utils';
import {
  CatalogEntityPage,
  CatalogIndexPage,
  catalogPlugin,
  EntityLayout,
  EntitySwitch,
} from '@backstage/plugin-catalog';
import {
  ScaffolderFieldExtensions,
  useCustomFieldExtensions,
} from '@backstage/plugin-scaffolder-react';
import {
  EntityMeshCard,
  EntityMeshContent,
  isMeshAvailable,
  MeshChainCheckFieldExtension,
  meshPlugin,
} from './index';
import {
  chain,
  chainResponse,
  componentEntity,
  unannotatedEntity,
} from './__fixtures__/chains';
import { noChangeTargets } from './__testUtils__/testUtils';

const checkoutEntity = componentEntity('checkout');

jest.setTimeout(20_000);

const server = setupServer();
registerMswTestHooks(server);

const BACKEND = 'http://localhost:7007';

function serveCatalog() {
  server.use(
    noChangeTargets(`${BACKEND}/api/mesh`),
    http.get(
      `${BACKEND}/api/catalog/entities/by-name/component/default/:name`,
      ({ params }) => {
        const entity = [checkoutEntity, unannotatedEntity].find(
          e => e.metadata.name === params.name,
        );
        return entity
          ? HttpResponse.json(entity)
          : HttpResponse.json(
              { error: { name: 'NotFoundError', message: 'nope' } },
              { status: 404 },
            );
      },
    ),
    http.get(`${BACKEND}/api/mesh/entities/component/default/checkout`, () =>
      HttpResponse.json(chainResponse('checkout', [chain('dev/checkout')])),
    ),
  );
}

const entityPage = (
  <EntityLayout>
    <EntityLayout.Route path="/" title="Overview">
      <EntitySwitch>
        <EntitySwitch.Case if={isMeshAvailable}>
          <EntityMeshCard />
        </EntitySwitch.Case>
      </EntitySwitch>
    </EntityLayout.Route>
    <EntityLayout.Route path="/mesh" title="Service Mesh" if={isMeshAvailable}>
      <EntityMeshContent />
    </EntityLayout.Route>
  </EntityLayout>
);

function renderLegacyApp(path: string) {
  window.history.pushState({}, '', path);
  const app = createApp({
    plugins: [catalogPlugin, meshPlugin],
    configLoader: async () => [
      {
        context: 'test',
        data: {
          app: { title: 'Legacy app', baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: BACKEND },
        },
      },
    ],
  });
  const Root = app.createRoot(
    <AppRouter>
      <FlatRoutes>
        <Route path="/catalog" element={<CatalogIndexPage />} />
        <Route
          path="/catalog/:namespace/:kind/:name"
          element={<CatalogEntityPage />}
        >
          {entityPage}
        </Route>
      </FlatRoutes>
    </AppRouter>,
  );
  return render(<Root />);
}

describe('legacy frontend system', () => {
  it('shows the overview card, whose link opens the Service Mesh tab', async () => {
    serveCatalog();
    renderLegacyApp('/catalog/default/component/checkout');
    // The first render loads the catalog's lazy pages: allow for it.
    expect(
      await screen.findByText('ClusterIP', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
    expect(screen.getByText('4/4')).toBeInTheDocument();

    await userEvent.click(screen.getByText('View service mesh'));
    expect(window.location.pathname).toBe(
      '/catalog/default/component/checkout/mesh',
    );
    expect(await screen.findByLabelText('Routes in dev')).toBeInTheDocument();
    expect(
      document.querySelector('[role="tab"][aria-selected="true"]'),
    ).toHaveTextContent('Service Mesh');
  });

  it('offers neither card nor tab without the Kubernetes annotations', async () => {
    serveCatalog();
    renderLegacyApp('/catalog/default/component/legacy-batch');
    const tabs = await screen.findByRole('tablist');
    expect(
      within(tabs).getByRole('tab', { name: 'Overview' }),
    ).toBeInTheDocument();
    expect(
      within(tabs).queryByRole('tab', { name: 'Service Mesh' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Service Mesh')).not.toBeInTheDocument();
  });

  it('offers the MeshChainCheck field to the scaffolder page, as ScaffolderFieldExtensions children', async () => {
    const found: string[] = [];
    function FieldNames() {
      const fields = useCustomFieldExtensions(
        <ScaffolderFieldExtensions>
          <MeshChainCheckFieldExtension />
        </ScaffolderFieldExtensions>,
      );
      found.push(...fields.map(f => f.name));
      return null;
    }
    await renderInTestApp(<FieldNames />);
    expect(found).toContain('MeshChainCheck');
  });
});
