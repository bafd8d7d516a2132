/*
 * The workload side of the chain: Deployments and their ReplicaSets, Pods
 * and HPAs (by owner references and scaleTargetRef), and the Services that
 * select pods.
 */
import type { KubeObject } from '../kube/KubeObject';
import {
  equalitySelector,
  labelSelectorFromSpec,
  serviceSelectorMatches,
} from '../kube/labelSelector';
import type { ChainReads } from '../reads/ChainReads';
import { scaleTargetKey, selectorEntryKey } from '../reads/lookups';

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

/** Objects without repeats (by namespace and name), in first-seen order. */
export function uniq(objs: Iterable<KubeObject>): KubeObject[] {
  const seen = new Map<string, KubeObject>();
  for (const o of objs) {
    const key = `${o.kind}/${ns(o)}/${o.metadata.name}`;
    if (!seen.has(key)) {
      seen.set(key, o);
    }
  }
  return [...seen.values()];
}

/** The name of the controlling owner of a kind, from `ownerReferences`. */
export function ownerName(obj: KubeObject, kind: string): string | undefined {
  const refs = Array.isArray(obj.metadata.ownerReferences)
    ? obj.metadata.ownerReferences
    : [];
  return refs.find(o => o?.kind === kind)?.name;
}

/**
 * Pods a Service-style selector selects, in one namespace or (undefined)
 * all: an empty selector selects none.
 */
export function podsSelectedBy(
  reads: ChainReads,
  selector: Record<string, string> | undefined,
  namespace?: string,
): KubeObject[] {
  if (
    !selector ||
    typeof selector !== 'object' ||
    Object.keys(selector).length === 0
  ) {
    return [];
  }
  return reads.select('pods', equalitySelector(selector), namespace);
}

/**
 * Services of a namespace whose selector selects pods with these labels,
 * found through their selector entries.
 */
export function servicesSelecting(
  reads: ChainReads,
  namespace: string,
  labels: Record<string, string> | undefined,
): KubeObject[] {
  const candidates = uniq(
    Object.entries(labels ?? {}).flatMap(([k, v]) =>
      reads.lookup(
        'servicesBySelectorEntry',
        selectorEntryKey(namespace, k, v),
      ),
    ),
  );
  return candidates.filter(svc =>
    serviceSelectorMatches(svc.spec?.selector, labels),
  );
}

/** The name of the Deployment that owns a pod, through its ReplicaSet. */
export function deploymentOfPod(
  reads: ChainReads,
  pod: KubeObject,
): string | undefined {
  const rsName = ownerName(pod, 'ReplicaSet');
  const rs = rsName ? reads.get('replicasets', ns(pod), rsName) : undefined;
  return rs && ownerName(rs, 'Deployment');
}

/**
 * The pods of a Deployment: those its selector selects whose ReplicaSet it
 * owns (as the Deployment controller counts them).
 */
export function podsOfDeployment(
  reads: ChainReads,
  deployment: KubeObject,
): KubeObject[] {
  const namespace = ns(deployment);
  const selector = labelSelectorFromSpec(deployment.spec?.selector);
  const replicaSets = new Set(
    reads
      .select('replicasets', selector, namespace)
      .filter(rs => ownerName(rs, 'Deployment') === deployment.metadata.name)
      .map(rs => rs.metadata.name),
  );
  if (replicaSets.size === 0) {
    return [];
  }
  return reads
    .select('pods', selector, namespace)
    .filter(pod => replicaSets.has(ownerName(pod, 'ReplicaSet') ?? ''));
}

/** The HPAs whose scaleTargetRef names a Deployment. */
export function hpasOf(
  reads: ChainReads,
  deployment: KubeObject,
): KubeObject[] {
  return reads.lookup(
    'hpasByScaleTarget',
    scaleTargetKey(ns(deployment), 'Deployment', deployment.metadata.name),
  );
}
