/*
 * Objects a cluster without admission webhooks can hold and the simulator
 * would refuse: the fault proxy serves them in lists and watch events, all
 * labelled as part of `storefront`'s chain.
 */
import { ANNOTATION_KUBERNETES_ID } from '@mesh-chain/plugin-mesh-common';
import type { InjectedObject } from './FaultProxy';

const GATEWAY = 'istio-system/public-gateway';

function hostile(
  path: string,
  kind: string,
  apiVersion: string,
  name: string,
  spec: unknown,
  extra: Record<string, unknown> = {},
): InjectedObject {
  return {
    path,
    object: {
      apiVersion,
      kind,
      metadata: {
        name,
        namespace: 'shop',
        uid: `fault-${name}-${kind}`,
        labels: { [ANNOTATION_KUBERNETES_ID]: 'storefront' },
        ...extra,
      },
      spec,
    },
  };
}

export const badSelectors: InjectedObject[] = [
  hostile('/api/v1/services', 'Service', 'v1', 'storefront-badsel', {
    type: 'ClusterIP',
    selector: { app: 'not a valid value!', 'bad/key/with/slashes': 7 },
    ports: [{ name: 'http', port: 80, targetPort: 'http' }],
  }),
  hostile(
    '/apis/apps/v1/deployments',
    'Deployment',
    'apps/v1',
    'storefront-badsel',
    {
      replicas: 1,
      selector: {
        matchLabels: 'not-a-map',
        matchExpressions: [{ key: 'app', operator: 'Bogus', values: 'x' }],
      },
      template: {
        metadata: { labels: { app: 'x' } },
        spec: { containers: [] },
      },
    },
  ),
  hostile(
    '/apis/networking.istio.io/v1/destinationrules',
    'DestinationRule',
    'networking.istio.io/v1',
    'storefront-badsel',
    {
      host: 'storefront',
      subsets: [{ name: 'v9', labels: { version: ['not', 'a', 'string'] } }],
    },
  ),
];

export const badRegexes: InjectedObject[] = [
  hostile(
    '/apis/networking.istio.io/v1/virtualservices',
    'VirtualService',
    'networking.istio.io/v1',
    'storefront-badre',
    {
      hosts: ['storefront-badre.demo.example.com'],
      gateways: [GATEWAY],
      http: [
        {
          name: 'broken',
          match: [
            { uri: { regex: '(unclosed' } },
            { headers: { 'x-user': { regex: '[z-a]' } } },
            { uri: { regex: '(a)\\1' } },
            { authority: { regex: '\\' } },
            // Valid RE2, and exponential for a backtracking engine.
            { uri: { regex: '/(a+)+$' } },
          ],
          route: [{ destination: { host: 'storefront' } }],
        },
      ],
    },
  ),
];

const MIB = 1024 * 1024;

export const bigAnnotation: InjectedObject[] = [
  hostile(
    '/api/v1/services',
    'Service',
    'v1',
    'storefront-big',
    {
      type: 'ClusterIP',
      selector: { app: 'storefront' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
    { annotations: { 'example.com/blob': 'x'.repeat(MIB) } },
  ),
];
