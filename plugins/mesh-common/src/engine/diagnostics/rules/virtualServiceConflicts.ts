/*
 * Routing rules across the cluster: VirtualServices of other components
 * that compete for the same host.
 */
import { expandHost, isWildcardHost } from '../../../routing/hosts';
import type { Diagnostic } from '../../../types';
import { refOf } from '../../resolve/objectInfo';
import { vsGateways } from '../../resolve/virtualServiceRoutes';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';
import { virtualServiceParts } from '../virtualServiceParts';

/** MESH-1007: several VirtualServices define one host on one gateway. */
export const conflictingVirtualServices: DiagnosticRule = {
  code: 'MESH-1007',
  check: ctx => {
    const out: Diagnostic[] = [];
    for (const { vs, ref, ns, spec, gateways } of virtualServiceParts(ctx)) {
      for (const h of new Set(
        listOf(spec.hosts).map((x: string) =>
          expandHost(x, ns, ctx.clusterDomain),
        ),
      )) {
        if (isWildcardHost(h) && h === '*') continue;
        const others = ctx.reads
          .lookup('virtualServicesByHost', h)
          .filter(o => o !== vs);
        for (const g of gateways) {
          const clash = others.filter(o => vsGateways(o).includes(g));
          if (clash.length > 0) {
            const all = [vs, ...clash].sort((a, b) =>
              name(a).localeCompare(name(b)),
            );
            out.push(
              diag(
                'MESH-1007',
                `Host ${h} on ${
                  g === 'mesh' ? 'the mesh' : `gateway ${g}`
                } is defined by ${all.length} VirtualServices: ${all
                  .map(name)
                  .join(', ')}.`,
                [ref, ...clash.map(refOf)],
                { path: 'spec.hosts' },
              ),
            );
          }
        }
      }
    }
    return out;
  },
};
