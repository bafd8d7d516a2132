import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { registerMswTestHooks, mockApis } from '@backstage/frontend-test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { SWRConfig } from 'swr';
import type {
  ChainChange,
  ChangePreview,
  Diagnostic,
} from '@mesh-chain/plugin-mesh-common';
import { BASE_URL, renderWithEntity } from '../../__testUtils__/testUtils';
import { chain, componentEntity } from '../../__fixtures__/chains';

const checkoutEntity = componentEntity('checkout');
const healthyCluster = () => chain('routes/checkout');
import { ChangeControls } from './ChangeControls';

// Dialogs and typing take a while in jsdom on a busy machine.
jest.setTimeout(30_000);

const server = setupServer();
registerMswTestHooks(server);

const CHANGES = `${BASE_URL}/entities/component/default/checkout/changes`;

const NO_PODS: Diagnostic = {
  code: 'SUBSET_NO_PODS',
  severity: 'error',
  title: 'Subset v3 selects no pods',
  message: 'DestinationRule checkout subset v3 matches no ready pods.',
  fix: 'Deploy v3 or route elsewhere.',
  resources: [],
};

function preview(
  change: ChainChange,
  more: Partial<ChangePreview> = {},
): ChangePreview {
  return {
    entityRef: 'component:default/checkout',
    cluster: 'dev',
    change,
    target: {
      kind: 'VirtualService',
      apiVersion: 'networking.istio.io/v1',
      namespace: 'shop',
      name: 'checkout',
    },
    summary: 'http[1] "api": v1 90% -> 50%, v2 10% -> 50%',
    fieldManager: 'backstage-mesh-changes',
    fields: ['spec.http'],
    notes: [],
    applyConfiguration: '',
    diff: '-        weight: 90\n+        weight: 50',
    before: {},
    after: {},
    owners: [],
    decision: {
      allowed: true,
      reasons: [],
      needsForce: false,
      canForce: false,
      forced: false,
    },
    diagnostics: { introduced: [], fixed: [], remaining: [] },
    traces: [
      {
        request: { url: 'https://shop.example.com/api', method: 'GET' },
        before: {
          cluster: 'dev',
          reachable: true,
          destinations: [
            {
              host: 'checkout',
              subset: 'v1',
              weight: 90,
              pods: [],
              readyPods: 3,
            },
          ],
          steps: [],
          reasons: [],
        },
        after: {
          cluster: 'dev',
          reachable: true,
          destinations: [
            {
              host: 'checkout',
              subset: 'v2',
              weight: 50,
              pods: [],
              readyPods: 1,
            },
          ],
          steps: [],
          reasons: [],
        },
      },
    ],
    basis: 'basis-1',
    previewedAt: '2026-12-07T06:00:00Z',
    ...more,
  };
}

function serveTargets(clusters: string[]) {
  server.use(
    http.get(`${BASE_URL}/changes/targets`, () =>
      HttpResponse.json({
        fieldManager: 'backstage-mesh-changes',
        targets: clusters.map(cluster => ({ cluster, namespaces: ['shop'] })),
      }),
    ),
  );
}

function render(result: 'ALLOW' | 'DENY' = 'ALLOW') {
  // usePermission caches decisions in SWR: each test starts from none.
  return renderWithEntity(
    <SWRConfig value={{ provider: () => new Map() }}>
      <ChangeControls entity={checkoutEntity} chain={healthyCluster()} />
    </SWRConfig>,
    checkoutEntity,
    {
      apis: [[permissionApiRef, mockApis.permission({ authorize: result })]],
    },
  );
}

describe('ChangeControls', () => {
  it('previews a 50/50 split, shows the diff and where requests go, and applies it only on confirm', async () => {
    serveTargets(['dev']);
    const posted: Array<{ step: string; body: any }> = [];
    server.use(
      http.post(`${CHANGES}/:step`, async ({ request, params }) => {
        const body = (await request.json()) as any;
        posted.push({ step: String(params.step), body });
        const p = preview(body.change);
        return HttpResponse.json(
          params.step === 'apply'
            ? { ...p, appliedAt: '2026-12-07T06:01:00Z' }
            : p,
        );
      }),
    );
    await render();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Weights: Route checkout http[1] "api"',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const v1 = within(dialog).getByLabelText(
      'Weight of checkout.shop.svc.cluster.local (v1) (%)',
    );
    const v2 = within(dialog).getByLabelText(
      'Weight of checkout.shop.svc.cluster.local (v2) (%)',
    );
    await userEvent.clear(v1);
    await userEvent.type(v1, '50');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'The weights add up to 60; they must add up to 100',
    );
    expect(
      within(dialog).getByRole('button', { name: 'Preview' }),
    ).toBeDisabled();
    await userEvent.clear(v2);
    await userEvent.type(v2, '50');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );

    expect(
      await within(dialog).findByText(
        'http[1] "api": v1 90% -> 50%, v2 10% -> 50%',
      ),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('YAML diff')).toHaveTextContent(
      '+ weight: 50',
    );
    expect(
      within(dialog).getByText('The change introduces no new problems.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/checkout \(v2\) 50% \(1 ready pod\)/),
    ).toBeInTheDocument();
    expect(posted).toEqual([
      {
        step: 'preview',
        body: {
          cluster: 'dev',
          change: expect.objectContaining({
            type: 'route-weights',
            destinations: [
              expect.objectContaining({ subset: 'v1', weight: 50 }),
              expect.objectContaining({ subset: 'v2', weight: 50 }),
            ],
          }),
        },
      },
    ]);

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Apply' }),
    );
    expect(await within(dialog).findByRole('status')).toHaveTextContent(
      'Applied: http[1] "api": v1 90% -> 50%, v2 10% -> 50%',
    );
    expect(posted[1]).toEqual({
      step: 'apply',
      body: expect.objectContaining({ cluster: 'dev', basis: 'basis-1' }),
    });
  });

  it('shows the problems a change introduces and the field owner that blocks it', async () => {
    serveTargets(['dev']);
    server.use(
      http.post(`${CHANGES}/preview`, async ({ request }) => {
        const body = (await request.json()) as any;
        return HttpResponse.json(
          preview(body.change, {
            diagnostics: { introduced: [NO_PODS], fixed: [], remaining: [] },
            owners: [
              {
                manager: 'flagger',
                role: 'controller',
                description: 'Flagger (progressive delivery)',
                consequence: 'it sets the weights back on its next step',
                fields: ['spec.http'],
                blocks: true,
              },
            ],
            decision: {
              allowed: false,
              reasons: [
                'flagger keeps spec.http; an administrator may force it.',
              ],
              needsForce: true,
              canForce: false,
              forced: false,
            },
          }),
        );
      }),
    );
    await render();
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Weights: Route checkout http[1] "api"',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Promote: all to checkout.shop.svc.cluster.local (v2)',
      }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Preview' }),
    );
    expect(
      await within(dialog).findByText('Problems this change introduces'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Subset v3 selects no pods'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('flagger')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/it sets the weights back on its next step/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Apply' }),
    ).toBeDisabled();
    expect(within(dialog).queryByLabelText(/Force/)).not.toBeInTheDocument();
  });

  it('says why there are no controls to someone not allowed mesh.chain.update', async () => {
    serveTargets(['dev']);
    await render('DENY');
    expect(
      await screen.findByText(/You may not change this component’s traffic/),
    ).toHaveTextContent('its owners (guests)');
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });

  it('is absent for a cluster changes are not configured for', async () => {
    let asked = false;
    server.use(
      http.get(`${BASE_URL}/changes/targets`, () => {
        asked = true;
        return HttpResponse.json({ fieldManager: 'x', targets: [] });
      }),
    );
    await render();
    await waitFor(() => expect(asked).toBe(true));
    expect(screen.queryByText('Change traffic')).not.toBeInTheDocument();
  });
});
