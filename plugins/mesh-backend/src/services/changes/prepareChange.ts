/*
 * Everything a change needs before it is sent to a cluster, each step a
 * check that may refuse it: the body, the caller's permission on the
 * entity, the cluster and its watch cache, the write target, the object in
 * the entity's chain, the object as the cluster has it now, the plan and
 * apply configuration, and the other owners of the fields.
 */
import type {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ChainChangeRequest,
  ChainEngine,
  ChangeFieldOwner,
  ClusterChain,
  ClusterSnapshot,
  getMeshEntityTarget,
  KubeObject,
  MeshEntityTarget,
  meshChainUpdateForcePermission,
  meshChainUpdatePermission,
} from '@mesh-chain/plugin-mesh-common';
import type {
  MeshCluster,
  MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';
import { createHash } from 'crypto';
import type { Request } from 'express';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import type { MeshAccess } from '../MeshAccess';
import type { ChangeAudit } from './changeAudit';
import { ChangeCluster, kubeChangeCluster } from './ChangeCluster';
import { ChangePlan, planChange } from './changePlans';
import { parseChangeRequest } from './changeRequest';
import {
  ChangeSettings,
  changeTargetFor,
  ChangeWriteTarget,
} from './changeSettings';
import { ChainTarget, chainTargetOf } from './chainTarget';
import { callerError } from './clusterAnswers';
import { fieldOwners } from './fieldOwners';
import {
  appliedBy,
  displayField,
  mergeConfigurations,
  valueAt,
} from './managedFields';

/** A call of the change API. */
export interface ChangeCall {
  entity: CompoundEntityRef;
  /** The request body (checked here). */
  body: unknown;
  credentials: BackstageCredentials;
  /** The HTTP request, for the audit record. */
  request?: Request;
}

/** What changes need of the backend. */
export interface ChangeDeps {
  settings: ChangeSettings;
  clusterDomain: string;
  requestTimeoutMs: number;
  clusters: MeshClustersService;
  data: ClusterDataService;
  /** The clusters an entity's chain is looked up in. */
  clustersFor(
    target: MeshEntityTarget,
    only: string,
  ): Promise<{ clusters: MeshCluster[] }>;
  engine: ChainEngine;
  access: MeshAccess;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** How a change reaches a cluster (tests may replace it). */
  clusterClient?: (
    cluster: MeshCluster,
    target: ChangeWriteTarget,
  ) => ChangeCluster;
}

/** Everything known about a change before it is sent to the cluster. */
export interface PreparedChange {
  request: ChainChangeRequest;
  entityRef: string;
  cluster: MeshCluster;
  writeTarget: ChangeWriteTarget;
  snapshot: ClusterSnapshot;
  target: MeshEntityTarget;
  chainTarget: ChainTarget;
  kube: ChangeCluster;
  live: KubeObject;
  plan: ChangePlan;
  /** The apply configuration: what we applied before, and the change. */
  config: KubeObject;
  owners: ChangeFieldOwner[];
  /** Whether the caller holds `mesh.chain.update.force`. */
  canForce: boolean;
  /** A hash of the changed fields' values now. */
  basis: string;
  now: string;
}

function sha(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value) ?? 'undefined')
    .digest('hex')
    .slice(0, 24);
}

/**
 * `mesh.chain.update` on the entity (else `NotAllowedError`), and
 * whether the caller also holds `mesh.chain.update.force`.
 */
async function authorize(
  deps: ChangeDeps,
  entity: Entity,
  credentials: BackstageCredentials,
): Promise<boolean> {
  const resourceRef = stringifyEntityRef(entity);
  const [update, force] = await deps.permissions.authorize(
    [
      { permission: meshChainUpdatePermission, resourceRef },
      { permission: meshChainUpdateForcePermission, resourceRef },
    ],
    { credentials },
  );
  if (update.result !== AuthorizeResult.ALLOW) {
    const owner = entity.spec?.owner;
    throw new NotAllowedError(
      `You may not change the traffic of ${resourceRef}: the portal's permission policy does not grant you ${
        meshChainUpdatePermission.name
      } on it${owner ? ` (ask its owner, ${owner}, or an administrator)` : ''}`,
    );
  }
  return force.result === AuthorizeResult.ALLOW;
}

/** The cluster a change goes to, if the entity's chain is looked up there. */
async function clusterOf(
  deps: ChangeDeps,
  target: MeshEntityTarget,
  name: string,
  entityRef: string,
): Promise<MeshCluster> {
  const { clusters } = await deps.clustersFor(target, name);
  const cluster = clusters[0];
  if (!cluster) {
    throw new InputError(
      `cluster: ${entityRef} is not looked up in cluster '${name}' (its backstage.io/kubernetes-cluster annotation names '${target.cluster}')`,
    );
  }
  if (cluster.authMode !== 'server') {
    throw new InputError(
      `cluster: '${name}' is read with each user's own credential (${cluster.authProvider}); changes are previewed against the backend's watch cache, which only clusters whose credential the backend holds have`,
    );
  }
  return cluster;
}

/** The watch cache's snapshot of a cluster, if it is current. */
function snapshotOf(deps: ChangeDeps, cluster: MeshCluster): ClusterSnapshot {
  const cache = deps.data.cacheFor(cluster);
  const status = cache.dataStatus();
  if (status.state !== 'current') {
    throw new ServiceUnavailableError(
      `Cluster '${cluster.name}' is ${status.state}${
        status.message ? ` (${status.message})` : ''
      }: a change is previewed against the cluster as it is now; try again when it is current`,
    );
  }
  return cache.snapshot();
}

/** The entity's chain over a snapshot, as the tab shows it. */
export function chainOver(
  deps: ChangeDeps,
  snapshot: ClusterSnapshot,
  target: MeshEntityTarget,
  cluster: MeshCluster,
): ClusterChain {
  return {
    ...deps.engine.resolve(snapshot, target, {
      clusterDomain: deps.clusterDomain,
    }),
    cluster: { name: cluster.name },
    source: snapshot.source,
    observedAt: snapshot.observedAt,
    warnings: snapshot.warnings,
    status: { state: 'current' },
  };
}

/** Reads with the cluster's credential, writes with the target's. */
function kubeCluster(
  deps: ChangeDeps,
  cluster: MeshCluster,
  target: ChangeWriteTarget,
): ChangeCluster {
  return kubeChangeCluster({
    cluster: cluster.name,
    reader: () => deps.clusters.getKubeConfig(cluster),
    writer: () =>
      deps.clusters.getKubeConfig(cluster, { credential: target.credential }),
    timeoutMs: deps.requestTimeoutMs,
  });
}

/** Checks a change and reads what it needs; nothing is written. */
export async function prepareChange(
  deps: ChangeDeps,
  call: ChangeCall,
  audit: ChangeAudit,
): Promise<PreparedChange> {
  const request = parseChangeRequest(call.body);
  const entity = await deps.access.entityFor(call.entity, call.credentials, {
    fresh: true,
  });
  const entityRef = stringifyEntityRef(entity);
  const canForce = await authorize(deps, entity, call.credentials);
  const target = getMeshEntityTarget(entity);
  if (!target) {
    throw new InputError(
      `${entityRef} has no Kubernetes annotations, so it has no chain to change`,
    );
  }
  const cluster = await clusterOf(deps, target, request.cluster, entityRef);
  const writeTarget = changeTargetFor(
    deps.settings,
    cluster.name,
    request.change.target.namespace,
  );
  const snapshot = snapshotOf(deps, cluster);
  const chainTarget = chainTargetOf({
    chain: chainOver(deps, snapshot, target, cluster),
    change: request.change,
    entityRef,
    clusterDomain: deps.clusterDomain,
  });
  const kube = deps.clusterClient
    ? deps.clusterClient(cluster, writeTarget)
    : kubeCluster(deps, cluster, writeTarget);
  const live = await kube.read(chainTarget.ref).catch(error => {
    throw callerError(error, cluster.name, writeTarget);
  });
  if (!live) {
    throw new NotFoundError(
      `${chainTarget.ref.kind} ${chainTarget.ref.namespace}/${chainTarget.ref.name} no longer exists in cluster '${cluster.name}'`,
    );
  }
  const now = new Date().toISOString();
  const plan = planChange(request.change, live, now);
  const fieldManager = deps.settings.fieldManager;
  audit.note({
    object: `${live.apiVersion} ${live.kind} ${live.metadata.namespace}/${live.metadata.name}`,
    fields: plan.fields.map(displayField),
    before: Object.fromEntries(
      plan.fields.map(f => [displayField(f), valueAt(live, f) ?? null]),
    ) as never,
  });
  return {
    request,
    entityRef,
    cluster,
    writeTarget,
    snapshot,
    target,
    chainTarget,
    kube,
    live,
    plan,
    config: mergeConfigurations(appliedBy(live, fieldManager), plan.fragment),
    owners: fieldOwners(live, plan.fields, {
      fieldManager,
      autoscaler: chainTarget.autoscaler,
      gitOpsBlocks: plan.gitOpsBlocks,
    }),
    canForce,
    basis: sha(plan.fields.map(f => valueAt(live, f))),
    now,
  };
}
