/*
 * Istio's Gateway API controller, in brief: GatewayClasses handled by
 * `istio.io/gateway-controller` are Accepted; their Gateways are Accepted
 * and Programmed with a load balancer address; HTTPRoutes report, per
 * parent, whether the parent Gateway exists (Accepted) and whether their
 * backend Services exist (ResolvedRefs).
 */
import type { KubeObject } from '../types';
import { ControllerRuntime, setCondition } from './runtime';

const CONTROLLER = 'istio.io/gateway-controller';
const MANAGER = 'istio-gateway-controller';

function gwCondition(
  type: string,
  ok: boolean,
  reason: string,
  message: string,
  generation?: number,
) {
  return {
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    observedGeneration: generation,
  };
}

export class GatewayApiController {
  private readonly classes;
  private readonly gateways;
  private readonly routes;
  private readonly services;
  private readonly queue;

  constructor(private readonly rt: ControllerRuntime) {
    this.classes = rt.type('gateway.networking.k8s.io/v1', 'GatewayClass');
    this.gateways = rt.type('gateway.networking.k8s.io/v1', 'Gateway');
    this.routes = rt.type('gateway.networking.k8s.io/v1', 'HTTPRoute');
    this.services = rt.type('v1', 'Service');
    this.queue = rt.queue('gateway-api', () => this.syncAll());
  }

  start() {
    const kick = () => this.queue.add('all');
    this.rt.onAny(event => {
      const group = event.resource.group;
      if (
        group === 'gateway.networking.k8s.io' ||
        (event.resource.kind === 'Service' && event.type !== 'MODIFIED')
      ) {
        kick();
      }
    });
    kick();
  }

  private syncAll() {
    for (const gc of this.rt.store.list(this.classes)) {
      if (gc.spec?.controllerName !== CONTROLLER) continue;
      this.rt.mutate(
        this.classes,
        gc,
        MANAGER,
        x => {
          x.status = {
            conditions: setConditions(x.status?.conditions, [
              gwCondition(
                'Accepted',
                true,
                'Accepted',
                'Handled by Istio controller',
                gc.metadata.generation,
              ),
            ]),
          };
        },
        'status',
      );
    }
    const routes = this.rt.store.list(this.routes);
    for (const gw of this.rt.store.list(this.gateways)) {
      const gc = this.rt.get(this.classes, '', gw.spec?.gatewayClassName ?? '');
      if (gc && gc.spec?.controllerName !== CONTROLLER) continue;
      const attached = (listener: string) =>
        routes.filter(r =>
          (r.spec?.parentRefs ?? []).some(
            (p: any) =>
              p.name === gw.metadata.name &&
              (p.namespace ?? r.metadata.namespace) === gw.metadata.namespace &&
              (!p.sectionName || p.sectionName === listener),
          ),
        ).length;
      const ip = gc
        ? this.rt.api.allocator.loadBalancerIP({
            apiVersion: 'v1',
            kind: 'Service',
            metadata: {
              namespace: gw.metadata.namespace,
              name: `${gw.metadata.name}-istio`,
            },
          })
        : undefined;
      this.rt.mutate(
        this.gateways,
        gw,
        MANAGER,
        x => {
          const gen = gw.metadata.generation;
          x.status = {
            ...(ip && { addresses: [{ type: 'IPAddress', value: ip }] }),
            conditions: setConditions(
              x.status?.conditions,
              gc
                ? [
                    gwCondition(
                      'Accepted',
                      true,
                      'Accepted',
                      'Resource accepted',
                      gen,
                    ),
                    gwCondition(
                      'Programmed',
                      true,
                      'Programmed',
                      `Resource programmed, assigned to service(s) ${gw.metadata.name}-istio.${gw.metadata.namespace}.svc.cluster.local:80`,
                      gen,
                    ),
                  ]
                : [
                    gwCondition(
                      'Accepted',
                      false,
                      'InvalidParameters',
                      `GatewayClass "${gw.spec?.gatewayClassName}" not found`,
                      gen,
                    ),
                    gwCondition(
                      'Programmed',
                      false,
                      'Invalid',
                      'Gateway is not accepted',
                      gen,
                    ),
                  ],
            ),
            listeners: (gw.spec?.listeners ?? []).map((l: any) => ({
              name: l.name,
              attachedRoutes: attached(l.name),
              supportedKinds: [
                { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute' },
              ],
              conditions: setConditions(undefined, [
                gwCondition(
                  'Accepted',
                  Boolean(gc),
                  gc ? 'Accepted' : 'Pending',
                  gc ? 'No errors found' : 'Waiting for controller',
                  gen,
                ),
                gwCondition(
                  'Programmed',
                  Boolean(gc),
                  gc ? 'Programmed' : 'Pending',
                  gc ? 'No errors found' : 'Waiting for controller',
                  gen,
                ),
                gwCondition(
                  'ResolvedRefs',
                  true,
                  'ResolvedRefs',
                  'No errors found',
                  gen,
                ),
              ]),
            })),
          };
        },
        'status',
      );
    }
    for (const route of routes) this.syncRoute(route);
  }

  private syncRoute(route: KubeObject) {
    const ns = route.metadata.namespace!;
    const missing: string[] = [];
    for (const rule of route.spec?.rules ?? []) {
      for (const ref of rule.backendRefs ?? []) {
        if ((ref.kind ?? 'Service') !== 'Service') continue;
        const svcNs = ref.namespace ?? ns;
        if (!this.rt.get(this.services, svcNs, ref.name)) {
          missing.push(`${ref.name}.${svcNs}.svc.cluster.local`);
        }
      }
    }
    const gen = route.metadata.generation;
    this.rt.mutate(
      this.routes,
      route,
      MANAGER,
      x => {
        x.status = {
          parents: (route.spec?.parentRefs ?? []).map((p: any) => {
            const gw = this.rt.get(this.gateways, p.namespace ?? ns, p.name);
            return {
              parentRef: p,
              controllerName: CONTROLLER,
              conditions: setConditions(
                (x.status?.parents ?? []).find(
                  (old: any) => old.parentRef?.name === p.name,
                )?.conditions,
                [
                  gw
                    ? gwCondition(
                        'Accepted',
                        true,
                        'Accepted',
                        'Route was valid',
                        gen,
                      )
                    : gwCondition(
                        'Accepted',
                        false,
                        'NoMatchingParent',
                        `parent gateway ${p.namespace ?? ns}/${
                          p.name
                        } not found`,
                        gen,
                      ),
                  missing.length
                    ? gwCondition(
                        'ResolvedRefs',
                        false,
                        'BackendNotFound',
                        `backend(${missing.join(', ')}) not found`,
                        gen,
                      )
                    : gwCondition(
                        'ResolvedRefs',
                        true,
                        'ResolvedRefs',
                        'All references resolved',
                        gen,
                      ),
                ],
              ),
            };
          }),
        };
      },
      'status',
    );
  }
}

function setConditions(existing: any[] | undefined, next: any[]): any[] {
  let out = existing ?? [];
  for (const c of next) {
    out = setCondition(out, c).map(x =>
      x.type === c.type
        ? { ...x, observedGeneration: c.observedGeneration }
        : x,
    );
  }
  return out;
}
