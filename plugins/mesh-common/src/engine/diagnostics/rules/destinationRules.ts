/*
 * DestinationRule rules: the host, the subsets' pods, duplicate subsets.
 */
import {
  destinationFqdn,
  isWildcardHost,
  kubernetesServiceOf,
} from '../../../routing/hosts';
import type { Diagnostic } from '../../../types';
import { formatLabels } from '../../kube/labelSelector';
import type { ChainContext } from '../../resolve/ChainContext';
import { refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';

function serviceExists(ctx: ChainContext, fqdn: string): boolean {
  return ctx.reads.lookup('serviceByFqdn', fqdn).length > 0;
}

/** MESH-3001: a DestinationRule host matches no Service. */
export const destinationRuleHostNotFound: DiagnosticRule = {
  code: 'MESH-3001',
  check: ctx =>
    ctx.destinationRules.flatMap(({ obj, info }): Diagnostic[] => {
      const ref = info.ref;
      const ns = obj.metadata.namespace ?? '';
      const svcName = kubernetesServiceOf(info.host, ns, ctx.clusterDomain);
      if (
        isWildcardHost(info.fqdn) ||
        (serviceExists(ctx, info.fqdn) && !(svcName && !svcName.exact))
      ) {
        return [];
      }
      return [
        diag(
          'MESH-3001',
          svcName && !svcName.exact && serviceExists(ctx, info.fqdn)
            ? `${name(ref)} host "${
                info.host
              }" is taken literally by Istio and matches no service (the Service is ${
                svcName.fqdn
              }).`
            : `${name(ref)} host "${info.host}" (${
                info.fqdn
              }) matches no Service.`,
          [ref],
          {
            path: 'spec.host',
            ...(svcName && {
              fix: `Set spec.host to ${svcName.fqdn}, the FQDN of an existing Service.`,
            }),
          },
        ),
      ];
    }),
};

/** MESH-3002: a subset selects no pod of its host's Service. */
export const subsetSelectsNoPods: DiagnosticRule = {
  code: 'MESH-3002',
  check: ctx =>
    ctx.destinationRules.flatMap(({ info }) => {
      const out: Diagnostic[] = [];
      const ref = info.ref;
      const targets = ctx.services.filter(
        s =>
          s.info.fqdn === info.fqdn ||
          (isWildcardHost(info.fqdn) &&
            s.info.fqdn.endsWith(info.fqdn.slice(1))),
      );
      info.subsets.forEach((s, i) => {
        // A subset without labels is every pod (MESH-3004 says so).
        if (Object.keys(s.labels).length === 0) return;
        // When the Service itself selects no pod, MESH-4001 says so.
        const servicePods =
          targets.length > 0
            ? targets.reduce((n, t) => n + t.pods.length, 0)
            : 1;
        if (
          s.podCount === 0 &&
          servicePods > 0 &&
          (targets.length > 0 || serviceExists(ctx, info.fqdn))
        ) {
          const svcDesc =
            targets.length > 0
              ? targets
                  .map(t => `${name(t.info.ref)} (${t.pods.length} pods)`)
                  .join(', ')
              : info.fqdn;
          out.push(
            diag(
              'MESH-3002',
              `Subset "${s.name}" of ${name(ref)} selects pods labelled ${
                formatLabels(s.labels) || '(no labels)'
              }, and no pod of ${svcDesc} carries them.`,
              [ref],
              { path: `spec.subsets[${i}].labels` },
            ),
          );
        }
      });
      return out;
    }),
};

/**
 * MESH-3003: a subset defined twice, within a DestinationRule or across
 * the rules for exactly the same host.
 */
export const duplicateSubset: DiagnosticRule = {
  code: 'MESH-3003',
  check: ctx =>
    ctx.destinationRules.flatMap(({ obj, info }) => {
      const out: Diagnostic[] = [];
      const ref = info.ref;
      const names = info.subsets.map(s => s.name);
      // Other rules for exactly this host (not wildcards that cover it).
      const others = isWildcardHost(info.fqdn)
        ? []
        : ctx.reads
            .lookup('destinationRulesByHost', info.fqdn)
            .filter(
              o =>
                o !== obj &&
                typeof o.spec?.host === 'string' &&
                destinationFqdn(
                  o.spec.host,
                  o.metadata.namespace ?? '',
                  ctx.clusterDomain,
                ) === info.fqdn,
            );
      info.subsets.forEach((s, i) => {
        if (names.indexOf(s.name) !== i) {
          out.push(
            diag(
              'MESH-3003',
              `${name(ref)} defines subset "${s.name}" twice.`,
              [ref],
              { path: `spec.subsets[${i}]` },
            ),
          );
        }
        const clash = others.filter(o =>
          listOf(o.spec?.subsets).some(x => x?.name === s.name),
        );
        if (clash.length > 0 && names.indexOf(s.name) === i) {
          out.push(
            diag(
              'MESH-3003',
              `Subset "${s.name}" of host ${info.fqdn} is defined by ${name(
                ref,
              )} and also by ${clash.map(name).join(', ')}.`,
              [ref, ...clash.map(refOf)],
              { path: `spec.subsets[${i}]` },
            ),
          );
        }
      });
      return out;
    }),
};

/** MESH-3004: a subset without labels selects every pod of its host. */
export const subsetWithoutLabels: DiagnosticRule = {
  code: 'MESH-3004',
  check: ctx =>
    ctx.destinationRules.flatMap(({ info }) =>
      info.subsets.flatMap((s, i): Diagnostic[] =>
        Object.keys(s.labels).length === 0
          ? [
              diag(
                'MESH-3004',
                `Subset "${s.name}" of ${name(
                  info.ref,
                )} has no labels, so it selects every pod of ${
                  info.fqdn
                } (all versions).`,
                [info.ref],
                { path: `spec.subsets[${i}].labels` },
              ),
            ]
          : [],
      ),
    ),
};
