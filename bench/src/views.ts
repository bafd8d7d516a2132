/*
 * What each frontend asks its backend for when a user opens an entity's
 * page, and checks that the answers hold the entity's chain.
 *
 * Stock: @backstage/plugin-kubernetes 0.12.x's EntityKubernetesContent
 * calls useKubernetesObjects, which (KubernetesBackendClient in
 * @backstage/plugin-kubernetes-react 0.6.x) first GETs /clusters (to decorate
 * the request with client-side auth; no cache unless clustersCacheTtlMs is
 * set) and then POSTs { entity, auth } to /services/:name, which fetches the
 * configured object types and custom resources. The /resources/workloads/query
 * and /resources/custom/query routes are the newer API that custom
 * components (useCustomResources) call; `queries` mode sends both, each
 * after its /clusters call, in parallel as two hooks on one page would.
 *
 * Mesh: the mesh plugin's useMeshChain GETs /api/mesh/entities/... once,
 * then again only when a signal says the chain changed.
 */
import type { ScaleChainShape } from '@mesh-chain/demo-cluster';
import { ISTIO_CUSTOM_RESOURCES, benchEntity } from './entities';
import type { HttpClient, PageView, ViewResult } from './load';

/** How the stock page view is made. */
export type StockViewMode = 'frontend' | 'queries';

function failed(status: number, what: string, body: string): ViewResult {
  return {
    ok: false,
    bodies: [body],
    problem: `${what} answered ${status}: ${body.slice(0, 300)}`,
  };
}

export function meshView(client: HttpClient): PageView {
  return async entity => {
    const res = await client.request(
      'GET',
      `/api/mesh/entities/component/default/${encodeURIComponent(entity)}`,
    );
    if (res.status !== 200) {
      return failed(res.status, 'GET /api/mesh/entities', res.body);
    }
    return { ok: true, bodies: [res.body] };
  };
}

export function stockView(client: HttpClient, mode: StockViewMode): PageView {
  const clusters = async () => {
    const res = await client.request('GET', '/api/kubernetes/clusters');
    return res.status === 200
      ? undefined
      : failed(res.status, 'GET /api/kubernetes/clusters', res.body);
  };
  const post = async (path: string, body: unknown) => {
    const res = await client.request('POST', `/api/kubernetes${path}`, body);
    return res.status === 200
      ? { ok: true, bodies: [res.body] }
      : failed(res.status, `POST /api/kubernetes${path}`, res.body);
  };
  if (mode === 'frontend') {
    return async entity => {
      const problem = await clusters();
      if (problem) {
        return problem;
      }
      return post(`/services/${encodeURIComponent(entity)}`, {
        entity: benchEntity(entity),
        auth: {},
      });
    };
  }
  return async entity => {
    const entityRef = `component:default/${entity}`;
    const results = await Promise.all([
      clusters().then(
        problem =>
          problem ??
          post('/resources/workloads/query', { entityRef, auth: {} }),
      ),
      clusters().then(
        problem =>
          problem ??
          post('/resources/custom/query', {
            entityRef,
            auth: {},
            customResources: ISTIO_CUSTOM_RESOURCES,
          }),
      ),
    ]);
    const bad = results.find(r => !r.ok);
    return bad ?? { ok: true, bodies: results.flatMap(r => r.bodies) };
  };
}

/** Whether a page view's answers show a route timeout of `timeout`. */
export function showsTimeout(result: ViewResult, timeout: string): boolean {
  return result.bodies.some(b => b.includes(`"timeout":"${timeout}"`));
}

/**
 * Problems with a mesh page view of a generated component: every cluster
 * answers from its cache with the whole chain (`expect.chain`, what the
 * generator builds per component).
 */
export function checkMeshView(
  result: ViewResult,
  expect: { clusters: number; chain: ScaleChainShape },
): string[] {
  const problems: string[] = [];
  const body = JSON.parse(result.bodies[0]);
  if (body.status !== 'configured') {
    problems.push(`status is ${body.status}, not configured`);
  }
  if (body.clusters?.length !== expect.clusters) {
    problems.push(
      `${body.clusters?.length} clusters in the answer, not ${expect.clusters}`,
    );
  }
  for (const chain of body.clusters ?? []) {
    const where = `cluster ${chain.cluster?.name}`;
    if (chain.error) {
      problems.push(`${where}: ${JSON.stringify(chain.error)}`);
      continue;
    }
    if (chain.source !== 'cache') {
      problems.push(`${where}: source ${chain.source}, not cache`);
    }
    if (chain.status && chain.status.state !== 'current') {
      problems.push(
        `${where}: ${chain.status.state}, not current: ${chain.status.message}`,
      );
    }
    const { chain: shape } = expect;
    const counts: Record<string, number> = {
      services: shape.services,
      deployments: shape.deployments,
      hpas: shape.hpas,
      virtualServices: shape.virtualServices,
      destinationRules: shape.destinationRules,
      gateways: shape.gateways,
      pods: shape.pods,
      routes: shape.routes,
    };
    for (const [field, n] of Object.entries(counts)) {
      if (chain[field]?.length !== n) {
        problems.push(
          `${where}: ${chain[field]?.length} ${field}, expected ${n}`,
        );
      }
    }
    for (const w of chain.warnings ?? []) {
      problems.push(`${where}: warning ${JSON.stringify(w)}`);
    }
  }
  return problems;
}

/**
 * Problems with a stock page view: every cluster answers with the
 * component's workloads and Istio objects, and no error.
 */
export function checkStockView(
  result: ViewResult,
  expect: { clusters: number; chain: ScaleChainShape; mode: StockViewMode },
): string[] {
  const problems: string[] = [];
  const found: Record<string, Record<string, number>> = {};
  for (const text of result.bodies) {
    const body = JSON.parse(text);
    for (const item of body.items ?? []) {
      const cluster = (found[item.cluster?.name] ??= {});
      for (const error of item.errors ?? []) {
        problems.push(
          `cluster ${item.cluster?.name}: error ${JSON.stringify(error)}`,
        );
      }
      for (const response of item.resources ?? []) {
        const items: Array<{ kind?: string }> = response.resources ?? [];
        if (response.type === 'customresources') {
          // Counted by kind: VirtualService, DestinationRule, Gateway.
          for (const r of items) {
            cluster[r.kind ?? '?'] = (cluster[r.kind ?? '?'] ?? 0) + 1;
          }
        } else {
          const key = `type:${response.type}`;
          cluster[key] = (cluster[key] ?? 0) + items.length;
        }
      }
    }
  }
  const names = Object.keys(found);
  if (names.length !== expect.clusters) {
    problems.push(
      `${names.length} clusters in the answer, not ${expect.clusters}`,
    );
  }
  for (const name of names) {
    const c = found[name];
    const { chain: shape } = expect;
    // The `queries` mode asks twice for the custom resources.
    const asked = expect.mode === 'queries' ? 2 : 1;
    const want: Record<string, number> = {
      'type:pods': shape.pods,
      'type:services': shape.services,
      'type:deployments': shape.deployments,
      'type:replicasets': shape.replicaSets,
      'type:horizontalpodautoscalers': shape.hpas,
      VirtualService: shape.virtualServices * asked,
      DestinationRule: shape.destinationRules * asked,
    };
    for (const [key, n] of Object.entries(want)) {
      if ((c[key] ?? 0) !== n) {
        problems.push(`cluster ${name}: ${c[key] ?? 0} ${key}, expected ${n}`);
      }
    }
  }
  return problems;
}
