import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import { http, HttpResponse, delay } from 'msw';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import {
  meshSignalChannel,
  type MeshChainResponse,
} from '@mesh-chain/plugin-mesh-common';
import {
  chain,
  chainResponse,
  componentEntity,
  emptyCluster,
  entityRef,
  simulationResponse,
  unannotatedEntity,
  unreachableCluster,
} from '../../__fixtures__/chains';
import {
  BASE_URL,
  FakeSignalApi,
  noChangeTargets,
  renderWithEntity,
} from '../../__testUtils__/testUtils';
import { MeshContent } from './MeshContent';

// Each test renders the whole tab (a dozen cards, tables and the picture),
// which takes about a second in jsdom; leave room for a busy machine.
jest.setTimeout(20_000);

const server = setupServer();
registerMswTestHooks(server);
beforeEach(() => server.use(noChangeTargets()));

const chainUrl = (component: string) =>
  `${BASE_URL}/entities/component/default/${component}`;

/**
 * Serves a component's chain: the given responses in turn (the last one
 * repeats, a number is an error status); counts calls.
 */
function serveChain(
  component: string,
  ...responses: Array<MeshChainResponse | number>
) {
  const calls = { count: 0 };
  server.use(
    http.get(chainUrl(component), () => {
      const r = responses[Math.min(calls.count, responses.length - 1)];
      calls.count++;
      if (typeof r === 'number') {
        return HttpResponse.json(
          {
            error: {
              name: r === 403 ? 'NotAllowedError' : 'Error',
              message:
                r === 403 ? 'Not allowed to read the mesh' : 'Backend exploded',
            },
            response: { statusCode: r },
          },
          { status: r },
        );
      }
      return HttpResponse.json(r);
    }),
  );
  return calls;
}

/** The dev cluster's storefront: Gateway to pods, with an HPA. */
const storefront = (...clusters: ReturnType<typeof chain>[]) =>
  chainResponse(
    'storefront',
    clusters.length ? clusters : [chain('dev/storefront')],
  );

async function renderTab(
  options: {
    component?: string;
    signals?: FakeSignalApi;
    initialRoute?: string;
  } = {},
) {
  return renderWithEntity(
    <MeshContent />,
    componentEntity(options.component ?? 'storefront'),
    options,
  );
}

const node = (kind: string, name: RegExp | string) =>
  screen
    .getAllByTestId('chain-node')
    .find(
      n =>
        n.getAttribute('data-kind') === kind &&
        (typeof name === 'string'
          ? n.textContent?.includes(name)
          : name.test(n.textContent ?? '')),
    );

const drawnKinds = () =>
  screen.getAllByTestId('chain-node').map(n => n.getAttribute('data-kind'));

const signal = (signals: FakeSignalApi, component: string, revision: string) =>
  signals.publish(meshSignalChannel(entityRef(component)), {
    entityRef: entityRef(component),
    revision,
    clusters: ['dev'],
    changedAt: new Date().toISOString(),
  });

describe('MeshContent', () => {
  it('asks for the Kubernetes annotation when the entity has none, without calling the backend', async () => {
    const calls = serveChain('legacy-batch', storefront());
    renderWithEntity(<MeshContent />, unannotatedEntity);
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(calls.count).toBe(0);
  });

  it('shows a loading state until the chain arrives', async () => {
    server.use(
      http.get(chainUrl('storefront'), async () => {
        await delay(150);
        return HttpResponse.json(storefront());
      }),
    );
    await renderTab();
    expect(
      await screen.findByText('Loading the service mesh…'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('heading', { name: 'Routes' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Loading the service mesh…'),
    ).not.toBeInTheDocument();
  });

  it('draws the chain Gateway → VirtualService → DestinationRule → Service → Deployment → Pods with the HPA', async () => {
    serveChain('storefront', storefront());
    await renderTab();
    const picture = await screen.findByRole('group', {
      name: /Chain in cluster/,
    });
    const buttons = within(picture).getAllByRole('button');
    const labels = buttons.map(b => b.getAttribute('aria-label'));
    expect(labels).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^Gateway public-gateway in istio-system: HTTP :80\. Healthy/,
        ),
        expect.stringMatching(/^VirtualService storefront in shop: 1 route/),
        expect.stringMatching(
          /^DestinationRule storefront in shop: subsets v1/,
        ),
        expect.stringMatching(/^Service storefront in shop: ClusterIP :80/),
        expect.stringMatching(/^Deployment storefront in shop: 2\/2 ready/),
        expect.stringMatching(
          /^HorizontalPodAutoscaler storefront in shop: 2 of 2–6/,
        ),
        expect.stringMatching(/^Pods storefront: 2\/2 ready/),
      ]),
    );
    // Left to right in keyboard order: the gateway comes first, pods last.
    expect(labels[0]).toMatch(/^Gateway/);
    expect(labels[labels.length - 1]).toMatch(/^Pods/);
    // The links are there for screen readers too.
    expect(picture).toHaveAccessibleDescription(
      expect.stringContaining(
        'Gateway public-gateway binds VirtualService storefront',
      ),
    );
    expect(picture).toHaveAccessibleDescription(
      expect.stringContaining(
        'VirtualService storefront routes via DestinationRule storefront',
      ),
    );
    expect(picture).toHaveAccessibleDescription(
      expect.stringContaining(
        'HorizontalPodAutoscaler storefront scales Deployment storefront',
      ),
    );
  });

  it('draws a placeholder for a reference to nothing and lists the diagnostic', async () => {
    // The VirtualService binds istio-system/promo-gateway, which does not exist.
    serveChain(
      'recommendations',
      chainResponse('recommendations', [chain('dev/recommendations')]),
    );
    await renderTab({ component: 'recommendations' });
    await screen.findAllByTestId('chain-node');
    expect(screen.getAllByTestId('diagnostic')).toHaveLength(1);
    expect(node('virtualService', 'recommendations')).toHaveAccessibleName(
      /^VirtualService recommendations in shop: 1 route\. Error, 1 diagnostic\. Open details\.$/,
    );
    const missing = node('missing', 'promo-gateway')!;
    expect(missing).toHaveAttribute('data-health', 'error');
    expect(missing).toHaveTextContent('Gateway · missing');
    expect(
      screen
        .getAllByTestId('chain-edge')
        .filter(e => e.getAttribute('data-broken') === 'true'),
    ).toHaveLength(1);
  });

  it('colours the nodes by health: a crash-looping canary is red', async () => {
    serveChain(
      'checkout',
      chainResponse('checkout', [chain('crashloop/checkout')]),
    );
    await renderTab({ component: 'checkout' });
    await screen.findAllByTestId('chain-node');
    expect(node('pods', 'checkout-v2')).toHaveAttribute('data-health', 'error');
    expect(node('pods', 'checkout-v2')).toHaveAccessibleName(
      /^Pods checkout-v2: 0\/1 ready · 7 restarts\. Error, 1 diagnostic\./,
    );
    expect(node('deployment', 'checkout-v2')).toHaveAttribute(
      'data-health',
      'error',
    );
    expect(node('deployment', 'checkout-v1')).toHaveAttribute(
      'data-health',
      'ok',
    );
    expect(node('pods', 'checkout-v1')).toHaveAttribute('data-health', 'ok');
    expect(screen.getAllByTestId('diagnostic')).toHaveLength(2);
  });

  it('opens a details drawer from the picture with the mouse and the keyboard, fields first and YAML on demand', async () => {
    serveChain('storefront', storefront());
    await renderTab();
    await screen.findByRole('group', { name: /Chain in cluster/ });

    await userEvent.click(node('deployment', 'storefront')!);
    let drawer = await screen.findByTestId('resource-drawer');
    // A modal dialog named after the resource.
    expect(drawer.closest('[role="dialog"]')).toHaveAccessibleName(
      'storefront',
    );
    expect(drawer.closest('[role="dialog"]')).toHaveAttribute(
      'aria-modal',
      'true',
    );
    expect(within(drawer).getByText('Deployment')).toBeInTheDocument();
    expect(
      within(drawer).getByText(
        'Rolling update (max surge 25%, max unavailable 25%)',
      ),
    ).toBeInTheDocument();
    expect(
      within(drawer).queryByText(/kind: Deployment/),
    ).not.toBeInTheDocument();
    // The chain carries no YAML: the drawer asks for this one object.
    const asked: string[] = [];
    server.use(
      http.get(`${chainUrl('storefront')}/object`, ({ request }) => {
        const query = new URL(request.url).searchParams;
        asked.push(`${query.get('cluster')} ${query.get('key')}`);
        return HttpResponse.json({
          entityRef: 'component:default/storefront',
          cluster: query.get('cluster'),
          ref: {
            kind: 'Deployment',
            apiVersion: 'apps/v1',
            namespace: 'shop',
            name: 'storefront',
          },
          object: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'storefront', namespace: 'shop' },
          },
        });
      }),
    );
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Show YAML' }),
    );
    expect(
      await within(drawer).findByLabelText('YAML of Deployment storefront'),
    ).toHaveTextContent('kind: Deployment');
    expect(asked).toEqual(['dev apps/Deployment/shop/storefront']);
    expect(
      within(drawer).getByRole('button', { name: 'Hide YAML' }),
    ).toHaveAttribute('aria-expanded', 'true');

    // Move along the chain from inside the drawer.
    await userEvent.click(
      within(drawer).getByRole('button', {
        name: 'HorizontalPodAutoscaler storefront',
      }),
    );
    drawer = screen.getByTestId('resource-drawer');
    expect(
      within(drawer).getByText('HorizontalPodAutoscaler'),
    ).toBeInTheDocument();

    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close details' }),
    );
    await waitFor(() =>
      expect(screen.queryByTestId('resource-drawer')).not.toBeInTheDocument(),
    );

    // Keyboard: focus the gateway node and press Enter.
    const gateway = node('gateway', 'public-gateway')!;
    gateway.focus();
    await userEvent.keyboard('{Enter}');
    drawer = await screen.findByTestId('resource-drawer');
    expect(within(drawer).getByText('Istio Gateway')).toBeInTheDocument();
    expect(within(drawer).getByText('*.demo.example.com')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    await waitFor(() =>
      expect(screen.queryByTestId('resource-drawer')).not.toBeInTheDocument(),
    );
  });

  it('shows a cluster’s error in its place and keeps the other clusters; one can pick a cluster', async () => {
    serveChain(
      'storefront',
      storefront(chain('dev/storefront'), unreachableCluster('prod')),
    );
    await renderTab();
    expect(
      await screen.findByText(
        /Could not read cluster Demo cluster \(prod\): unreachable/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('connect ECONNREFUSED 127.0.0.1:6552'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: /Demo cluster \(dev\)/ }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Routes in dev' }),
    ).toBeInTheDocument();

    const clusters = screen.getByRole('list', { name: 'Clusters' });
    const prodTile = within(clusters).getByRole('button', {
      name: /Demo cluster \(prod\): error: unreachable/,
    });
    const devTile = within(clusters).getByRole('button', {
      name: /Demo cluster \(dev\): 2\/2 ready · no problems/,
    });
    expect(
      within(clusters).getByRole('button', { name: 'All clusters (2)' }),
    ).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(devTile);
    expect(devTile).toHaveAttribute('aria-pressed', 'true');
    expect(
      screen.queryByText(/Could not read cluster/),
    ).not.toBeInTheDocument();
    await userEvent.click(prodTile);
    expect(screen.getByText(/Could not read cluster/)).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Routes in dev' }),
    ).not.toBeInTheDocument();
  });

  it('opens on the cluster named in the URL', async () => {
    serveChain(
      'storefront',
      storefront(chain('dev/storefront'), chain('prod/storefront')),
    );
    await renderTab({ initialRoute: '/?cluster=prod' });
    expect(
      await screen.findByRole('table', { name: 'Routes in prod' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Routes in dev' }),
    ).not.toBeInTheDocument();
    expect(node('deployment', 'storefront')).toHaveAccessibleName(
      /: 3\/3 ready/,
    );
  });

  it('still shows Service, Deployment and HPA in a cluster without Istio', async () => {
    serveChain('storefront', storefront(chain('edge/storefront')));
    await renderTab();
    expect(
      await screen.findByText(/Istio is not installed in this cluster/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Neither Istio nor the Gateway API is installed/),
    ).toBeInTheDocument();
    const service = screen.getByRole('region', { name: 'Service' });
    expect(within(service).getByText('ClusterIP')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Workload' })).toHaveTextContent(
      'storefront',
    );
    expect(
      screen.getByRole('region', { name: 'Autoscaling' }),
    ).toHaveTextContent('2 replicas now');
    expect(drawnKinds()).toEqual(['service', 'deployment', 'hpa', 'pods']);
  });

  it('says so when the user may not see the mesh', async () => {
    serveChain('storefront', 403);
    await renderTab();
    expect(
      await screen.findByText(
        /You may not see the service mesh of this component/,
      ),
    ).toBeInTheDocument();
  });

  it('shows a backend failure and recovers on retry', async () => {
    const calls = serveChain('storefront', 500, storefront());
    await renderTab();
    expect(
      await screen.findByText(/Could not load the service mesh/),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('table', { name: 'Routes in dev' }),
    ).toBeInTheDocument();
    expect(calls.count).toBe(2);
  });

  it('explains when the component runs in no cluster', async () => {
    serveChain('storefront', storefront(emptyCluster('dev'), emptyCluster()));
    await renderTab();
    expect(
      await screen.findByText('Not running in any cluster'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /was found in the 2 configured clusters \(Demo cluster \(dev\), Demo cluster \(prod\)\)/,
      ),
    ).toBeInTheDocument();
  });

  it('sums up the clusters the component does not run in on one line', async () => {
    serveChain(
      'storefront',
      storefront(chain('dev/storefront'), emptyCluster()),
    );
    await renderTab();
    expect(
      await screen.findByText(
        'Nothing of this component runs in Demo cluster (prod).',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/In 1 of 2 clusters/)).toBeInTheDocument();
    // One cluster left: no picker, one chain.
    expect(screen.queryByLabelText('Clusters')).not.toBeInTheDocument();
    expect(
      screen.getAllByRole('group', { name: /Chain in cluster/ }),
    ).toHaveLength(1);
  });

  it('asks for the annotation when the backend says the entity is not configured', async () => {
    serveChain('storefront', {
      ...chainResponse('storefront', []),
      status: 'not-configured',
    });
    await renderTab();
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('refetches when the backend signals a change, keeping the open drawer and the user’s place', async () => {
    const scaled = chain('dev/storefront');
    scaled.deployments[0].replicas = {
      desired: 5,
      current: 5,
      updated: 5,
      ready: 4,
      available: 4,
      unavailable: 1,
    };
    const calls = serveChain(
      'storefront',
      chainResponse(
        'storefront',
        [chain('dev/storefront'), unreachableCluster('prod')],
        '1',
      ),
      chainResponse('storefront', [scaled, unreachableCluster('prod')], '2'),
    );
    const signals = new FakeSignalApi();
    await renderTab({ signals });
    await screen.findAllByTestId('chain-node');
    expect(signals.channels()).toEqual([
      meshSignalChannel(entityRef('storefront')),
    ]);
    expect(screen.getByTestId('live-status')).toHaveTextContent(
      'Live · updated just now',
    );

    // The user picked a cluster and opened a Deployment.
    const devTile = screen.getByLabelText(/^Demo cluster \(dev\): /, {
      selector: 'button',
    });
    await userEvent.click(devTile);
    await userEvent.click(node('deployment', 'storefront')!);
    const drawer = await screen.findByTestId('resource-drawer');
    const count = (name: string) =>
      within(drawer.querySelector<HTMLElement>('[aria-label="Replicas"]')!)
        .getByText(name)
        .parentElement!.querySelector('dd')!.textContent;
    expect(count('Desired')).toBe('2');

    signal(signals, 'storefront', '2');
    await waitFor(() => expect(count('Desired')).toBe('5'));
    expect(count('Ready')).toBe('4');
    expect(screen.getByTestId('resource-drawer')).toBe(drawer);
    expect(devTile).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText(/Service mesh updated at/)).toBeInTheDocument();
    expect(calls.count).toBe(2);

    // A signal for a revision already on screen fetches nothing.
    signal(signals, 'storefront', '2');
    await act(() => new Promise(r => setTimeout(r, 50)));
    expect(calls.count).toBe(2);
  });

  it('keeps a drawer open on a resource that disappears, and says it is gone', async () => {
    const without = chain('dev/storefront');
    without.hpas = [];
    serveChain(
      'storefront',
      chainResponse('storefront', [chain('dev/storefront')], '1'),
      chainResponse('storefront', [without], '2'),
    );
    const signals = new FakeSignalApi();
    await renderTab({ signals });
    await screen.findByRole('group', { name: /Chain in cluster/ });
    await userEvent.click(node('hpa', 'storefront')!);
    await screen.findByTestId('resource-drawer');
    signal(signals, 'storefront', '2');
    expect(
      await screen.findByText(/This resource is no longer part of the chain/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('resource-drawer')).toBeInTheDocument();
  });

  it('does not poll: without signals it fetches once, and offers a refresh', async () => {
    const calls = serveChain('storefront', storefront());
    await renderTab();
    await screen.findByRole('table', { name: 'Routes in dev' });
    expect(screen.getByTestId('live-status')).toHaveTextContent(
      'Live updates off',
    );
    await act(() => new Promise(r => setTimeout(r, 100)));
    expect(calls.count).toBe(1);
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(calls.count).toBe(2));
  });

  it('fetches once more halfway through liveForMs, so a page left open keeps its live updates', async () => {
    // The backend follows the entity for 2 s after each fetch.
    const calls = serveChain('storefront', {
      ...storefront(),
      liveForMs: 2000,
    });
    const signals = new FakeSignalApi();
    await renderTab({ signals });
    await screen.findByRole('table', { name: 'Routes in dev' });
    expect(calls.count).toBe(1);
    // Due after 1 s; the margin only absorbs a busy machine (without the
    // renewal there is never a second fetch, however long we wait).
    await waitFor(() => expect(calls.count).toBe(2), { timeout: 20_000 });
    // The page stays as it was, still live.
    expect(screen.getByRole('table', { name: 'Routes in dev' })).toBeVisible();
    expect(screen.getByTestId('live-status')).toHaveTextContent('Live');
  }, 30_000);

  it('keeps the data on screen when a refresh fails', async () => {
    serveChain('storefront', storefront(), 500);
    await renderTab();
    await screen.findByRole('table', { name: 'Routes in dev' });
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByText(/Could not refresh/)).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Routes in dev' }),
    ).toBeInTheDocument();
  });

  it('traces a request and draws its path on the chain', async () => {
    // The canary with three routes: /api without x-canary takes the second.
    serveChain(
      'checkout',
      chainResponse('checkout', [chain('routes/checkout')]),
    );
    let body: any;
    server.use(
      http.post(`${chainUrl('checkout')}/route`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json(simulationResponse('routes/checkout'));
      }),
    );
    await renderTab({ component: 'checkout' });
    await screen.findByRole('table', { name: 'Routes in dev' });
    const form = screen.getByRole('region', {
      name: 'Where does this request go?',
    });
    await userEvent.click(within(form).getByLabelText('URL'));
    await userEvent.paste('http://checkout.demo.example.com/api/cart');
    await userEvent.click(within(form).getByLabelText(/Headers/));
    await userEvent.paste('X-Debug: 1');
    await userEvent.click(within(form).getByRole('button', { name: 'Trace' }));

    const result = await within(form).findByRole('region', {
      name: 'Result in Demo cluster (dev)',
    });
    expect(body).toEqual({
      url: 'http://checkout.demo.example.com/api/cart',
      method: 'GET',
      from: 'gateway',
      headers: { 'x-debug': '1' },
    });
    expect(result).toHaveTextContent('Reaches pods');
    expect(result).toHaveTextContent('http[1] "api" matches');
    expect(result).toHaveTextContent(
      '90% to shop/checkout subset v1 port 80 → 9898: 3 of 3 pods ready',
    );

    const highlighted = screen
      .getAllByTestId('chain-node')
      .filter(n => n.getAttribute('data-highlighted') === 'true')
      .map(n => n.getAttribute('aria-label')!.split(':')[0]);
    expect(highlighted.sort()).toEqual([
      'Deployment checkout-v1 in shop',
      'Deployment checkout-v2 in shop',
      'DestinationRule checkout in shop',
      'Gateway public-gateway in istio-system',
      'Pods checkout-v1',
      'Pods checkout-v2',
      'Service checkout in shop',
      'VirtualService checkout in shop',
    ]);
    const rows = screen.getAllByTestId('route-row');
    expect(within(rows[1]).getByText('your request')).toBeInTheDocument();
    expect(within(rows[0]).queryByText('your request')).not.toBeInTheDocument();

    await userEvent.click(within(form).getByRole('button', { name: 'Clear' }));
    expect(
      screen
        .getAllByTestId('chain-node')
        .filter(n => n.getAttribute('data-highlighted')),
    ).toHaveLength(0);
  });

  it('checks the URL before tracing and shows the backend’s refusal', async () => {
    serveChain('storefront', storefront());
    server.use(
      http.post(`${chainUrl('storefront')}/route`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'host nowhere.example is not served',
            },
            response: { statusCode: 400 },
          },
          { status: 400 },
        ),
      ),
    );
    await renderTab();
    await screen.findByRole('table', { name: 'Routes in dev' });
    const form = screen.getByRole('region', {
      name: 'Where does this request go?',
    });
    const url = within(form).getByLabelText('URL');
    await userEvent.click(url);
    await userEvent.paste('not a url');
    await userEvent.click(within(form).getByRole('button', { name: 'Trace' }));
    expect(within(form).getByText(/Enter a full URL/)).toBeInTheDocument();

    await userEvent.clear(url);
    await userEvent.paste('https://nowhere.example/');
    fireEvent.submit(url.closest('form')!);
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'host nowhere.example is not served',
    );
  });
});
