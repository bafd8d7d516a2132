/*
 * `mesh-chain trace` as text: the request, each step of its way with what
 * happened there, the weighted destinations with their pods, and why it
 * fails when it does.
 */
import type {
  RouteSimulationRequest,
  RouteSimulationResult,
  SimulatedDestination,
} from '@mesh-chain/plugin-mesh-common';

function origin(request: RouteSimulationRequest): string {
  return request.from === 'mesh'
    ? `from a sidecar in namespace ${request.sourceNamespace ?? 'default'}`
    : 'through the ingress gateway';
}

function destination(d: SimulatedDestination): string {
  const service = d.service
    ? ` -> Service ${d.service.namespace}/${d.service.name}${
        d.servicePort !== undefined ? `:${d.servicePort}` : ''
      }${d.targetPort !== undefined ? ` -> targetPort ${d.targetPort}` : ''}`
    : '';
  const pods =
    d.readyPods > 0
      ? ` -> ${d.readyPods} ready pod${d.readyPods === 1 ? '' : 's'} (${
          d.pods.length > 5
            ? `${d.pods.slice(0, 5).join(', ')}, ...`
            : d.pods.join(', ')
        })`
      : ' -> no ready pod';
  return `  ${String(d.weight).padStart(3)}%  ${d.host}${
    d.subset ? ` subset ${d.subset}` : ''
  }${service}${pods}`;
}

/** The trace, with the scope it was traced in (`manifests`, a context). */
export function traceText(
  request: RouteSimulationRequest,
  result: RouteSimulationResult,
  scope: string,
): string {
  const lines = [
    `${request.method ?? 'GET'} ${request.url} ${origin(request)}, in ${scope}`,
    ...Object.entries(request.headers ?? {}).map(([k, v]) => `  ${k}: ${v}`),
    '',
    ...result.steps.map(
      s => `  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.kind.padEnd(14)} ${s.detail}`,
    ),
  ];
  if (result.destinations.length > 0) {
    lines.push('', 'Destinations:', ...result.destinations.map(destination));
  }
  lines.push('');
  if (result.reachable && result.reasons.length === 0) {
    lines.push('Served.');
  } else if (result.reachable) {
    lines.push('Served in part:', ...result.reasons.map(r => `  ${r}`));
  } else {
    lines.push(
      'Not served:',
      ...(result.reasons.length > 0
        ? result.reasons
        : ['no route takes the request']
      ).map(r => `  ${r}`),
    );
  }
  for (const w of result.warnings ?? []) {
    lines.push(`Warning: ${w.message}`);
  }
  return `${lines.join('\n')}\n`;
}
