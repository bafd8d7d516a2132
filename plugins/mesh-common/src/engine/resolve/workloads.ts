/*
 * The workload side of the chain, by owner references and scaleTargetRef:
 * pods -> ReplicaSet -> Deployment, Deployment -> its pods and HPAs.
 */
import type { ObjectRef } from '../../types';
import type { KubeObject } from '../kube/KubeObject';
import { labelSelectorFromSpec } from '../kube/labelSelector';
import type { ChainReads } from '../reads/ChainReads';
import { scaleTargetKey } from '../reads/lookups';
import type { ChainContext, ChainDeployment, ChainHpa } from './ChainContext';
import type { FoundObjects } from './found';
import { hpaInfo } from './hpaInfo';
import { deploymentInfo, podInfo, refOf } from './objectInfo';

function ns(obj: KubeObject): string {
  return obj.metadata.namespace ?? '';
}

/** Objects without repeats (by kind, namespace and name), in first-seen order. */
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

/** The name of the owner of a kind, from `ownerReferences`. */
function ownerName(obj: KubeObject, kind: string): string | undefined {
  const refs = Array.isArray(obj.metadata.ownerReferences)
    ? obj.metadata.ownerReferences
    : [];
  return refs.find(o => o?.kind === kind)?.name;
}

/** The ReplicaSet that owns a pod, if it exists. */
function replicaSetOfPod(
  reads: ChainReads,
  pod: KubeObject,
): KubeObject | undefined {
  const rsName = ownerName(pod, 'ReplicaSet');
  return rsName ? reads.get('replicasets', ns(pod), rsName) : undefined;
}

/** The name of the Deployment that owns a pod, through its ReplicaSet. */
function deploymentOfPod(
  reads: ChainReads,
  pod: KubeObject,
): string | undefined {
  const rs = replicaSetOfPod(reads, pod);
  return rs && ownerName(rs, 'Deployment');
}

/**
 * The Deployments that own these pods (through their ReplicaSets) and
 * ReplicaSets, or that these HPAs scale.
 */
export function deploymentsOwning(
  reads: ChainReads,
  owned: {
    pods?: KubeObject[];
    replicaSets?: KubeObject[];
    hpas?: KubeObject[];
  },
  found: FoundObjects,
): KubeObject[] {
  const out: KubeObject[] = [];
  const follow = (
    from: KubeObject,
    name: string | undefined,
    namespace: string,
    relation: string,
  ) => {
    const deployment = name && reads.get('deployments', namespace, name);
    if (deployment) {
      found.byReference(deployment, from, relation);
      out.push(deployment);
    }
  };
  for (const pod of owned.pods ?? []) {
    const rs = replicaSetOfPod(reads, pod);
    if (rs) {
      follow(pod, ownerName(rs, 'Deployment'), ns(pod), 'owns');
    }
  }
  for (const rs of owned.replicaSets ?? []) {
    follow(rs, ownerName(rs, 'Deployment'), ns(rs), 'owns');
  }
  for (const hpa of owned.hpas ?? []) {
    const t = hpa.spec?.scaleTargetRef;
    if ((t?.kind ?? 'Deployment') === 'Deployment') {
      follow(hpa, t?.name, ns(hpa), 'scales');
    }
  }
  return uniq(out);
}

/**
 * The pods of a Deployment: those its selector selects whose ReplicaSet it
 * owns (as the Deployment controller counts them).
 */
function podsOfDeployment(
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

/** The pods of these Deployments, each found from its Deployment. */
export function podsOfDeployments(
  reads: ChainReads,
  deployments: KubeObject[],
  found: FoundObjects,
): KubeObject[] {
  return deployments.flatMap(d => {
    const pods = podsOfDeployment(reads, d);
    pods.forEach(pod => found.byReference(pod, d, 'owns'));
    return pods;
  });
}

/** The HPAs whose scaleTargetRef names a Deployment. */
function hpasOf(reads: ChainReads, deployment: KubeObject): KubeObject[] {
  return reads.lookup(
    'hpasByScaleTarget',
    scaleTargetKey(ns(deployment), 'Deployment', deployment.metadata.name),
  );
}

/**
 * The chain's Deployments with their pods and HPAs; HPAs found by label
 * whose target is not among them are kept, without a target.
 */
export function deploymentEntries(
  reads: ChainReads,
  deployments: KubeObject[],
  labelledHpas: KubeObject[],
  found: FoundObjects,
): { deployments: ChainDeployment[]; hpas: ChainHpa[] } {
  const out = { deployments: [] as ChainDeployment[], hpas: [] as ChainHpa[] };
  for (const obj of deployments) {
    const hpas = hpasOf(reads, obj);
    const pods = podsOfDeployment(reads, obj);
    pods.forEach(pod => found.byReference(pod, obj, 'owns'));
    out.deployments.push({
      obj,
      pods,
      info: deploymentInfo(obj, hpas[0] && refOf(hpas[0])),
    });
    for (const hpa of hpas) {
      found.byReference(hpa, obj, 'scales');
      out.hpas.push({ obj: hpa, target: obj, info: hpaInfo(hpa, refOf(obj)) });
    }
  }
  for (const hpa of uniq(labelledHpas)) {
    if (!out.hpas.some(h => h.obj === hpa)) {
      out.hpas.push({ obj: hpa, info: hpaInfo(hpa) });
    }
  }
  return out;
}

/** The chain's pods, each with the Deployment that owns it. */
export function podEntries(
  reads: ChainReads,
  pods: KubeObject[],
): ChainContext['pods'] {
  return pods.map(obj => {
    const deployment = deploymentOfPod(reads, obj);
    const owner: ObjectRef | undefined = deployment
      ? {
          kind: 'Deployment',
          apiVersion: 'apps/v1',
          namespace: obj.metadata.namespace,
          name: deployment,
        }
      : undefined;
    return { obj, info: podInfo(obj, owner) };
  });
}
