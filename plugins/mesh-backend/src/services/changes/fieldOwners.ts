/*
 * Who else owns the fields a change sets, and what they will do about it:
 * read from `metadata.managedFields`, from the GitOps tools' tracking
 * labels and annotations, and from the chain (an HPA scaling the
 * Deployment). A rule table: the first known manager that matches decides.
 */
import type {
  ChangeFieldOwner,
  ChangeOwnerRole,
  KubeObject,
  ObjectRef,
} from '@mesh-chain/plugin-mesh-common';
import {
  displayField,
  FieldPath,
  fieldsHold,
  managedFieldsOf,
} from './managedFields';

/** A field manager whose name says what it is. */
interface KnownManager {
  matches: RegExp;
  role: ChangeOwnerRole;
  description: string;
  consequence: string;
}

/**
 * Managers that keep the fields they own (they write them again on every
 * reconcile), by name. Everything else is a one-off writer.
 */
export const KNOWN_MANAGERS: readonly KnownManager[] = [
  {
    matches: /^flagger$/i,
    role: 'controller',
    description: 'Flagger (progressive delivery)',
    consequence:
      'Flagger writes the route weights at every step of its canary analysis (about every minute) and puts its own back: the change lasts until its next step. Change the Canary resource instead, or pause it.',
  },
  {
    matches: /argo-?rollouts|rollouts-controller/i,
    role: 'controller',
    description: 'Argo Rollouts',
    consequence:
      'Argo Rollouts writes the weights and replicas of its canary steps on every reconcile and puts its own back. Change the Rollout instead, or promote or abort it.',
  },
  {
    matches: /argo-?cd|argocd-(application-)?controller/i,
    role: 'gitops',
    description: 'Argo CD',
    consequence:
      'Argo CD applies what is in Git: with automated sync and self-heal it reverts the change on its next sync, otherwise the application shows OutOfSync until Git has it. Change it in Git.',
  },
  {
    matches: /^kustomize-controller$/i,
    role: 'gitops',
    description: 'Flux (kustomize-controller)',
    consequence:
      'Flux applies what is in Git on every reconcile (every few minutes by default) and reverts the change. Change it in Git, or suspend the Kustomization.',
  },
  {
    matches: /^helm-controller$/i,
    role: 'gitops',
    description: 'Flux (helm-controller)',
    consequence:
      'Flux upgrades the HelmRelease from its chart and values and reverts the change on its next reconcile. Change the values in Git.',
  },
  {
    matches: /^kube-controller-manager$/,
    role: 'controller',
    description: 'kube-controller-manager',
    consequence:
      'A Kubernetes controller keeps this field and sets it back on its next sync.',
  },
];

/** Who a manager is, by its name. */
function knownManager(manager: string): KnownManager | undefined {
  return KNOWN_MANAGERS.find(k => k.matches.test(manager));
}

const ARGO_TRACKING = 'argocd.argoproj.io/tracking-id';
const ARGO_INSTANCE = 'app.kubernetes.io/instance';
const FLUX_KUSTOMIZATION = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM = 'helm.toolkit.fluxcd.io';

/**
 * The GitOps tool that tracks the object, from its labels and
 * annotations: Argo CD (`argocd.argoproj.io/tracking-id`, or the label
 * `app.kubernetes.io/instance` when Argo CD also left a trace on the
 * object: the same label is Helm's and many charts'), Flux (the
 * `kustomize.toolkit.fluxcd.io/name` and `helm.toolkit.fluxcd.io/name`
 * labels; a Kustomization with `reconcile: disabled` leaves it alone).
 */
export function gitOpsTrackers(
  obj: KubeObject,
): Array<{ manager: string; description: string; consequence: string }> {
  const labels = obj.metadata.labels ?? {};
  const annotations = obj.metadata.annotations ?? {};
  const out: Array<{
    manager: string;
    description: string;
    consequence: string;
  }> = [];
  const argo = knownManager('argocd')!;
  const argoTraces =
    Object.keys(annotations).some(k => k.startsWith('argocd.argoproj.io/')) ||
    managedFieldsOf(obj).some(e => argo.matches.test(e.manager));
  if (annotations[ARGO_TRACKING]) {
    const app = annotations[ARGO_TRACKING].split(':')[0];
    out.push({
      manager: 'Argo CD',
      description: `Argo CD (application ${app}, ${ARGO_TRACKING})`,
      consequence: argo.consequence,
    });
  } else if (labels[ARGO_INSTANCE] && argoTraces) {
    out.push({
      manager: 'Argo CD',
      description: `Argo CD (application ${labels[ARGO_INSTANCE]}, label ${ARGO_INSTANCE})`,
      consequence: argo.consequence,
    });
  }
  const kustomization = labels[`${FLUX_KUSTOMIZATION}/name`];
  if (
    kustomization &&
    annotations[`${FLUX_KUSTOMIZATION}/reconcile`] !== 'disabled'
  ) {
    out.push({
      manager: 'Flux',
      description: `Flux (Kustomization ${
        labels[`${FLUX_KUSTOMIZATION}/namespace`] ?? ''
      }/${kustomization})`.replace('(Kustomization /', '(Kustomization '),
      consequence: knownManager('kustomize-controller')!.consequence,
    });
  }
  const helmRelease = labels[`${FLUX_HELM}/name`];
  if (helmRelease) {
    out.push({
      manager: 'Flux',
      description: `Flux (HelmRelease ${
        labels[`${FLUX_HELM}/namespace`] ?? ''
      }/${helmRelease})`.replace('(HelmRelease /', '(HelmRelease '),
      consequence: knownManager('helm-controller')!.consequence,
    });
  }
  return out;
}

/** Options of {@link fieldOwners}. */
export interface FieldOwnersOptions {
  /** Our own field manager (`mesh.changes.fieldManager`). */
  fieldManager: string;
  /** The HPA that scales the object (a Deployment), per the chain. */
  autoscaler?: ObjectRef;
  /** Whether GitOps tracking blocks the change (not for restarts). */
  gitOpsBlocks: boolean;
}

/**
 * The other owners of `fields` on the live object: managers of
 * `managedFields` (status writes aside), the HPA that scales it, and the
 * GitOps tools that track it; with what each will do and whether it stops
 * the change unless forced.
 */
export function fieldOwners(
  live: KubeObject,
  fields: FieldPath[],
  options: FieldOwnersOptions,
): ChangeFieldOwner[] {
  const owners: ChangeFieldOwner[] = [];
  for (const entry of managedFieldsOf(live)) {
    if (
      (entry.manager === options.fieldManager && entry.operation === 'Apply') ||
      entry.subresource === 'status'
    ) {
      continue;
    }
    const held = fields.filter(f => fieldsHold(entry.fieldsV1, f));
    if (held.length === 0) {
      continue;
    }
    const known = knownManager(entry.manager);
    const scaling =
      options.autoscaler &&
      (entry.subresource === 'scale' || known?.role === 'controller');
    owners.push({
      manager: entry.manager,
      ...(entry.operation && { operation: entry.operation }),
      ...(entry.time && { time: entry.time }),
      fields: held.map(displayField),
      ...(scaling
        ? autoscalerOwner(options.autoscaler!, entry.manager)
        : describe(entry.manager, entry.operation, known)),
    });
  }
  if (
    options.autoscaler &&
    !owners.some(o => o.role === 'autoscaler') &&
    fields.some(f => f.join('.') === 'spec.replicas')
  ) {
    owners.push({
      manager: `HorizontalPodAutoscaler ${options.autoscaler.namespace}/${options.autoscaler.name}`,
      fields: ['spec.replicas'],
      ...autoscalerOwner(options.autoscaler, 'kube-controller-manager'),
    });
  }
  for (const tracker of gitOpsTrackers(live)) {
    if (owners.some(o => o.role === 'gitops' && o.manager === tracker.manager))
      continue;
    owners.push({
      manager: tracker.manager,
      role: 'gitops',
      description: tracker.description,
      consequence: options.gitOpsBlocks
        ? tracker.consequence
        : `${tracker.description} tracks the object; a restart annotation is not in Git, so it stays.`,
      fields: fields.map(displayField),
      blocks: options.gitOpsBlocks,
    });
  }
  return owners;
}

function autoscalerOwner(
  hpa: ObjectRef,
  manager: string,
): Pick<ChangeFieldOwner, 'role' | 'description' | 'consequence' | 'blocks'> {
  return {
    role: 'autoscaler',
    description: `HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name} (${manager}, through the scale subresource)`,
    consequence:
      'The autoscaler sets spec.replicas to what it computes, between its minReplicas and maxReplicas, on its next sync (every 15 s): change its limits instead.',
    blocks: true,
  };
}

function describe(
  manager: string,
  operation: string | undefined,
  known: KnownManager | undefined,
): Pick<ChangeFieldOwner, 'role' | 'description' | 'consequence' | 'blocks'> {
  if (known) {
    return {
      role: known.role,
      description: known.description,
      consequence: known.consequence,
      blocks: true,
    };
  }
  return {
    role: 'writer',
    description: `${manager} (${
      operation === 'Apply' ? 'server-side apply' : 'a write'
    } by a person or a one-off tool)`,
    consequence: `Nothing keeps the field: the change takes it over from ${manager}. Applying ${manager}'s original manifest again sets it back.`,
    blocks: false,
  };
}
