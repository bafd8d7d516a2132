/*
 * What both backends are configured with and asked about: the catalog
 * entities of the generated components and the Istio custom resources.
 */
import type { Entity } from '@backstage/catalog-model';

/** The Istio kinds a user adds so that the stock plugin shows them. */
export const ISTIO_CUSTOM_RESOURCES = [
  { group: 'networking.istio.io', apiVersion: 'v1', plural: 'gateways' },
  { group: 'networking.istio.io', apiVersion: 'v1', plural: 'virtualservices' },
  {
    group: 'networking.istio.io',
    apiVersion: 'v1',
    plural: 'destinationrules',
  },
];

/**
 * The stock plugin's object types trimmed to the kinds the mesh view shows
 * (the `trimmed` layout); the `default` layout leaves `objectTypes` unset,
 * so the plugin reads its 13 default types, 8 of which (configmaps,
 * limitranges, resourcequotas, jobs, cronjobs, ingresses, statefulsets,
 * daemonsets) the mesh view never shows.
 */
export const TRIMMED_OBJECT_TYPES = [
  'pods',
  'services',
  'deployments',
  'replicasets',
  'horizontalpodautoscalers',
];

export function benchEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-bench' },
  };
}
