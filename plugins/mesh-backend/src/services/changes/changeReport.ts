/*
 * The report of a change, previewed or applied: from the object the
 * cluster returned (a dry run's or an apply's), put in place of the live
 * one in the watch cache's snapshot and resolved by the engine, as the
 * Service Mesh tab would show the chain afterwards.
 */
import {
  ChangePreview,
  KubeObject,
  OverlaySnapshot,
  watchedKindOf,
} from '@mesh-chain/plugin-mesh-common';
import YAML from 'yaml';
import { keepChainFields } from '../cluster/trimObject';
import { decideChange } from './changeDecision';
import { diagnosticsDelta, objectDiff, routeTraces } from './consequences';
import { displayField, valueAt } from './managedFields';
import { ChangeDeps, chainOver, PreparedChange } from './prepareChange';

/** The object as the watch cache would hold it (trimmed to the chain's fields). */
function trimmed(obj: KubeObject): KubeObject {
  return keepChainFields(watchedKindOf(obj)!, obj, {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
  }).object!;
}

/** What the change does, from the object the cluster returned for it. */
export function reportChange(
  deps: ChangeDeps,
  prepared: PreparedChange,
  after: KubeObject,
): ChangePreview {
  const { request, plan, live, cluster, snapshot, target } = prepared;
  const chainWith = (obj: KubeObject) =>
    chainOver(
      deps,
      OverlaySnapshot.over(snapshot, [trimmed(obj)]),
      target,
      cluster,
    );
  const beforeChain = chainWith(live);
  const afterChain = chainWith(after);
  const change = request.change;
  const values = (obj: KubeObject) =>
    Object.fromEntries(
      plan.fields.map(f => [displayField(f), valueAt(obj, f) ?? null]),
    );
  return {
    entityRef: prepared.entityRef,
    cluster: cluster.name,
    change,
    target: prepared.chainTarget.ref,
    summary: plan.summary,
    fieldManager: deps.settings.fieldManager,
    fields: plan.fields.map(displayField),
    notes: plan.notes,
    applyConfiguration: YAML.stringify(prepared.config),
    diff: objectDiff(live, after),
    before: values(live),
    after: values(after),
    owners: prepared.owners,
    decision: decideChange({
      owners: prepared.owners,
      force: !!request.force,
      canForce: prepared.canForce,
    }),
    diagnostics: diagnosticsDelta(
      beforeChain.diagnostics,
      afterChain.diagnostics,
    ),
    traces:
      change.type === 'route-weights' || change.type === 'route-timeouts'
        ? routeTraces({
            engine: deps.engine,
            clusterDomain: deps.clusterDomain,
            before: beforeChain,
            after: afterChain,
            route: {
              source: prepared.chainTarget.ref,
              protocol: change.route.protocol,
              index: change.route.index,
            },
          })
        : [],
    basis: prepared.basis,
    previewedAt: prepared.now,
  };
}
