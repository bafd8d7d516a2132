import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { Stepper } from '@backstage/plugin-scaffolder-react/alpha';
import type { TemplateParameterSchema } from '@backstage/plugin-scaffolder-react';
import type {
  ChainFinding,
  MeshCheckResponse,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef, MeshClient } from '../../api';
import { meshChainCheckFieldOptions } from './field';

/*
 * The field inside the scaffolder's own form (the Stepper of
 * @backstage/plugin-scaffolder-react), on the last page of a template,
 * with the real MeshClient talking to msw as the scaffolder backend.
 */

jest.setTimeout(20_000);

const server = setupServer();
registerMswTestHooks(server);

const SCAFFOLDER = 'http://backstage.test/api/scaffolder';
const TEMPLATE_PAGE = '/create/templates/default/mesh-service';

const manifest: TemplateParameterSchema = {
  title: 'Service behind Istio',
  steps: [
    {
      title: 'Where it goes',
      schema: {
        properties: {
          namespace: { title: 'Namespace', type: 'string', default: 'shop' },
          meshCheck: {
            title: 'Service Mesh check',
            description: 'What the Service Mesh tab will report.',
            type: 'array',
            items: { type: 'string' },
            'ui:field': 'MeshChainCheck',
          },
        },
      },
    },
  ],
};

const finding = (f: Partial<ChainFinding>): ChainFinding => ({
  code: 'MESH-1001',
  severity: 'error',
  title: 'VirtualService gateway not found',
  object: 'VirtualService shop/checkout',
  path: 'spec.gateways[0]',
  message: 'Gateway istio-system/private-gateway does not exist.',
  fix: 'Point spec.gateways at an existing Gateway.',
  involvesManifests: true,
  ...f,
});

const gatewayMissing = finding({});
const noDestinationRule = finding({
  code: 'MESH-2003',
  severity: 'warning',
  title: 'No DestinationRule for the host',
  object: 'Service shop/checkout',
  path: undefined,
  message: 'No DestinationRule applies to checkout.shop.svc.cluster.local.',
  fix: 'Add a DestinationRule for the host to set its traffic policy.',
});

const answer = (findings: ChainFinding[]): MeshCheckResponse => ({
  findings,
  checkedAgainst: 'cluster',
  cluster: 'dev',
  components: ['backstage.io/kubernetes-id=checkout in shop'],
  notes: [],
});

/** Serves the check with `respond`; records the request bodies. */
function serveCheck(
  respond: (
    body: any,
  ) => MeshCheckResponse | { status: number; message: string },
) {
  const bodies: any[] = [];
  server.use(
    http.post(`${SCAFFOLDER}/mesh/check`, async ({ request }) => {
      const body = await request.json();
      bodies.push(body);
      const r = respond(body);
      if ('status' in r) {
        return HttpResponse.json(
          {
            error: { name: 'Error', message: r.message },
            response: { statusCode: r.status },
          },
          { status: r.status },
        );
      }
      return HttpResponse.json(r);
    }),
  );
  return bodies;
}

function renderForm() {
  const onCreate = jest.fn(async () => {});
  const client = new MeshClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async (id: string) => `http://backstage.test/api/${id}`,
    }),
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
  renderInTestApp(
    <Stepper
      manifest={manifest}
      extensions={[meshChainCheckFieldOptions]}
      onCreate={onCreate}
    />,
    { apis: [[meshApiRef, client]], initialRouteEntries: [TEMPLATE_PAGE] },
  );
  return { onCreate };
}

// The browser is on the template's page, as the app's router says (the
// validation, which runs outside React, reads the template from there).
beforeEach(() => {
  window.history.replaceState(null, '', TEMPLATE_PAGE);
  // The Stepper scrolls to the top of each page; jsdom does not scroll.
  jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
});
afterEach(() => {
  window.history.replaceState(null, '', '/');
  jest.restoreAllMocks();
});

const findings = async () =>
  within(
    await screen.findByRole(
      'list',
      { name: 'Service Mesh findings' },
      { timeout: 5000 },
    ),
  ).getAllByTestId('mesh-check-finding');

describe('MeshChainCheck field', () => {
  it('lists the findings errors first, each with severity, code, title, object and fix, for the form values of the page’s template', async () => {
    const bodies = serveCheck(() =>
      answer([noDestinationRule, gatewayMissing]),
    );
    renderForm();
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Checking what the Service Mesh tab will report',
    );
    const items = await findings();
    expect(items.map(i => i.textContent)).toEqual([
      expect.stringMatching(
        /^errorMESH-1001VirtualService gateway not foundObject VirtualService shop\/checkout field spec\.gateways\[0\].*Fix: Point spec\.gateways at an existing Gateway\.$/,
      ),
      expect.stringMatching(
        /^warningMESH-2003No DestinationRule for the hostObject Service shop\/checkout.*Fix: Add a DestinationRule/,
      ),
    ]);
    expect(
      screen.getByText(
        /1 error, 1 warning \(against what cluster 'dev' holds\)/,
      ),
    ).toBeVisible();
    // The template of the page, and the form's values without the field's own.
    expect(bodies.at(-1)).toEqual({
      templateRef: 'template:default/mesh-service',
      values: { namespace: 'shop' },
    });
  });

  it('checks again, once, when the values stop changing', async () => {
    const bodies = serveCheck(body =>
      answer(body.values.namespace === 'shop' ? [] : [noDestinationRule]),
    );
    renderForm();
    expect(
      await screen.findByText(/No problems found/, {}, { timeout: 5000 }),
    ).toBeVisible();
    const namespace = screen.getByRole('textbox', { name: 'Namespace' });
    await userEvent.clear(namespace);
    await userEvent.type(namespace, 'payments');
    expect(await findings()).toHaveLength(1);
    expect(bodies.map(b => b.values.namespace)).toEqual(['shop', 'payments']);
  });

  it('keeps the form from going on while the chain has an error, naming its MESH code', async () => {
    serveCheck(() => answer([gatewayMissing, noDestinationRule]));
    const { onCreate } = renderForm();
    await findings();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(
      (
        await screen.findAllByText(
          /MESH-1001 VirtualService gateway not found \(VirtualService shop\/checkout spec\.gateways\[0\]\): Point spec\.gateways at an existing Gateway\./,
        )
      )[0],
    ).toBeVisible();
    // Still on the form: no review, nothing to create.
    expect(screen.getByRole('button', { name: 'Review' })).toBeVisible();
    expect(screen.queryByRole('button', { name: 'Create' })).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
  });

  it('lets warnings through to the review page, which lists them, and into the run', async () => {
    serveCheck(() => answer([noDestinationRule]));
    const { onCreate } = renderForm();
    await findings();
    expect(screen.getByText(/Warnings do not stop the template/)).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    const create = await screen.findByRole('button', { name: 'Create' });
    expect(
      screen.getByText(
        'Warning MESH-2003: No DestinationRule for the host (Service shop/checkout)',
      ),
    ).toBeVisible();
    await userEvent.click(create);
    await waitFor(() =>
      expect(onCreate).toHaveBeenCalledWith({
        namespace: 'shop',
        meshCheck: [
          'Warning MESH-2003: No DestinationRule for the host (Service shop/checkout)',
        ],
      }),
    );
  });

  it('says when there is nothing to report', async () => {
    serveCheck(() => ({
      ...answer([]),
      checkedAgainst: 'manifests',
      cluster: undefined,
      notes: ['The manifests were checked alone.'],
    }));
    renderForm();
    expect(
      await screen.findByText(
        /No problems found: the Service Mesh tab will report none \(on the manifests alone\)/,
        {},
        { timeout: 5000 },
      ),
    ).toBeVisible();
    expect(screen.getByText('The manifests were checked alone.')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(await screen.findByRole('button', { name: 'Create' })).toBeVisible();
  });

  it('shows what failed when the check cannot run, and does not stop the form', async () => {
    serveCheck(() => ({
      status: 404,
      message: 'templateRef: no template template:default/mesh-service',
    }));
    renderForm();
    expect(
      await screen.findByText(
        /The Service Mesh check failed: HTTP 404 \(template not found\): templateRef: no template template:default\/mesh-service/,
        {},
        { timeout: 5000 },
      ),
    ).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Review' }));
    expect(await screen.findByRole('button', { name: 'Create' })).toBeVisible();
    // The review page says the check did not run, and why.
    expect(
      screen.getByText(
        'Not checked: HTTP 404 (template not found): templateRef: no template template:default/mesh-service',
      ),
    ).toBeVisible();
  });

  it('names a body too large', async () => {
    serveCheck(() => ({ status: 413, message: 'request entity too large' }));
    renderForm();
    expect(
      await screen.findByText(
        /HTTP 413 \(the form values are too large\): request entity too large/,
        {},
        { timeout: 5000 },
      ),
    ).toBeVisible();
  });
});
