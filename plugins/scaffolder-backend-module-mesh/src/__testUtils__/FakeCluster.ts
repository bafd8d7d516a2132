import { ApiException, KubernetesObject } from '@kubernetes/client-node';
import {
  parseLabelSelector,
  ReadRequest,
  selectorMatches,
  watchedKindOf,
} from '@mesh-chain/plugin-mesh-common';
import { ChainClusterClient } from '../cluster/MeshObjectApi';
import { KubeObject } from '../lib/models';

const key = (o: {
  kind: string;
  metadata?: { name?: string; namespace?: string };
}) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** The ReplicaSet and ready pods the Deployment controller would make. */
function rolloutOf(deployment: any): any[] {
  const { name, namespace, uid } = deployment.metadata;
  const labels = deployment.spec?.template?.metadata?.labels ?? {};
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${name}-1`,
      namespace,
      uid: `${name}-rs-uid`,
      labels,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: uid ?? name },
      ],
    },
    spec: {
      replicas: deployment.spec?.replicas ?? 1,
      template: deployment.spec?.template,
    },
    status: { replicas: deployment.spec?.replicas ?? 1 },
  };
  const pods = Array.from(
    { length: deployment.spec?.replicas ?? 1 },
    (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-1-${i}`,
        namespace,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `${name}-1`,
            uid: `${name}-rs-uid`,
          },
        ],
      },
      spec: deployment.spec?.template?.spec ?? {},
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: (
          deployment.spec?.template?.spec?.containers ?? []
        ).map((c: any) => ({
          name: c.name,
          ready: true,
          restartCount: 0,
          image: c.image,
        })),
      },
    }),
  );
  return [replicaSet, ...pods];
}

/**
 * An in-memory cluster for the apply logic: it stores objects, bumps
 * resourceVersion only when an apply changes something, and can be told to
 * reject objects. Wire format is tested against real HTTP elsewhere.
 */
export class FakeCluster implements ChainClusterClient {
  objects = new Map<string, any>();
  calls: string[] = [];
  /** The chain check's reads (`list`), apart from the writes in `calls`. */
  reads: string[] = [];
  /**
   * What the Deployment controller made of applied Deployments: a
   * ReplicaSet and ready pods each, kept apart from `objects` (what was
   * applied) and read by `listObjects` as a cluster's would be.
   */
  rollouts = new Map<string, any[]>();
  reject = new Map<string, { code: number; message: string }>();
  notServed = new Set<string>();
  private version = 1;

  async served(apiVersion: string, kind: string) {
    return this.notServed.has(`${apiVersion}/${kind}`)
      ? undefined
      : { plural: `${kind.toLowerCase()}s`, namespaced: kind !== 'Namespace' };
  }
  /** Puts objects into the cluster as they are (no apply). */
  seed(objects: KubeObject[]): this {
    for (const o of objects) this.objects.set(key(o), o);
    return this;
  }
  /** The objects in a namespace (all but what `seed` put elsewhere). */
  objectsIn(namespace: string): any[] {
    return [...this.objects.values()].filter(
      o =>
        o.metadata?.namespace === namespace ||
        (o.kind === 'Namespace' && o.metadata?.name === namespace),
    );
  }
  /** Deployments report all replicas available when read. */
  deploymentsBecomeAvailable = true;

  async get(object: KubeObject) {
    const stored = this.objects.get(key(object));
    if (
      stored &&
      stored.kind === 'Deployment' &&
      this.deploymentsBecomeAvailable
    ) {
      const replicas = stored.spec?.replicas ?? 1;
      return {
        ...stored,
        status: {
          observedGeneration: 1,
          replicas,
          updatedReplicas: replicas,
          availableReplicas: replicas,
          conditions: [{ type: 'Available', status: 'True' }],
        },
      } as KubernetesObject;
    }
    return stored as KubernetesObject | undefined;
  }
  async listObjects(read: ReadRequest) {
    this.reads.push(
      `list ${read.kind} ${read.namespace ?? '*'}${
        read.labelSelector ? ` ${read.labelSelector}` : ''
      }`,
    );
    const selector = parseLabelSelector(read.labelSelector ?? '');
    const rolledOut = [...this.rollouts.values()].flat();
    return [...this.objects.values(), ...rolledOut].filter(
      o =>
        typeof o.apiVersion === 'string' &&
        watchedKindOf(o) === read.kind &&
        (read.namespace === undefined ||
          o.metadata.namespace === read.namespace) &&
        selectorMatches(selector, o.metadata.labels),
    );
  }
  async apply(object: KubeObject, options: { dryRun: boolean }) {
    this.calls.push(`${options.dryRun ? 'dry-run' : 'apply'} ${key(object)}`);
    if (
      object.metadata.namespace &&
      !this.objects.has(`Namespace//${object.metadata.namespace}`)
    ) {
      throw new ApiException(
        404,
        'x',
        JSON.stringify({
          kind: 'Status',
          reason: 'NotFound',
          message: `namespaces "${object.metadata.namespace}" not found`,
        }),
        {},
      );
    }
    const rejection = this.reject.get(key(object));
    if (rejection) {
      throw new ApiException(
        rejection.code,
        'x',
        JSON.stringify({
          kind: 'Status',
          reason: 'Invalid',
          message: rejection.message,
        }),
        {},
      );
    }
    const previous = this.objects.get(key(object));
    const { metadata, ...rest } = object;
    const changed =
      !previous ||
      JSON.stringify({
        ...previous,
        metadata: { ...previous.metadata, resourceVersion: undefined },
      }) !==
        JSON.stringify({
          ...rest,
          metadata: { ...metadata, resourceVersion: undefined },
        });
    const stored = {
      ...rest,
      metadata: {
        ...metadata,
        resourceVersion: changed
          ? String(++this.version)
          : previous.metadata.resourceVersion,
      },
    };
    if (!options.dryRun) {
      this.objects.set(key(object), stored);
      if (object.kind === 'Deployment') {
        this.rollouts.set(key(object), rolloutOf(stored));
      }
    }
    // As the API server answers: JSON, which client-node types with Dates.
    return stored as unknown as KubernetesObject;
  }
  async deleteNamespace(name: string) {
    this.calls.push(`delete Namespace//${name}`);
    this.objects.delete(`Namespace//${name}`);
  }
}
