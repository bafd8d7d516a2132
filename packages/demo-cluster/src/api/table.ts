/*
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`):
 * the columns `kubectl get` shows, as the API server's printers and the CRDs'
 * additionalPrinterColumns define them.
 */
import type { ResourceType } from './resources';
import type { KubeObject } from '../types';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number';
  format?: string;
  description: string;
  priority: number;
  cell(o: KubeObject, now: number): string | number;
}

/** `k8s.io/apimachinery/pkg/util/duration.HumanDuration`. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0
      ? `${Math.floor(hours / 24)}d`
      : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  const dy = days % 365;
  if (hours < 24 * 365 * 8) {
    return dy === 0
      ? `${Math.floor(days / 365)}y`
      : `${Math.floor(days / 365)}y${dy}d`;
  }
  return `${Math.floor(days / 365)}y`;
}

function since(ts: string | undefined, now: number): string {
  if (!ts) return '<unknown>';
  return humanDuration(now - Date.parse(ts));
}

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
  priority: 0,
  cell: o => o.metadata.name,
};

const AGE: Column = {
  name: 'Age',
  type: 'string',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: (o, now) => since(o.metadata.creationTimestamp, now),
};

function col(
  name: string,
  cell: Column['cell'],
  priority = 0,
  type: Column['type'] = 'string',
  description = name,
): Column {
  return { name, type, description, priority, cell };
}

const joinOr = (xs: string[], none = '<none>') =>
  xs.length ? xs.join(',') : none;

function podStatus(o: KubeObject): string {
  if (o.metadata.deletionTimestamp) return 'Terminating';
  const st = o.status ?? {};
  let reason: string = st.reason ?? st.phase ?? 'Pending';
  for (const cs of st.initContainerStatuses ?? []) {
    if (
      cs.state?.waiting?.reason &&
      cs.state.waiting.reason !== 'PodInitializing'
    ) {
      return `Init:${cs.state.waiting.reason}`;
    }
  }
  for (const cs of [...(st.containerStatuses ?? [])].reverse()) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  if (reason === 'Pending' && !o.spec?.nodeName) return 'Pending';
  return reason;
}

function containers(o: KubeObject): any[] {
  return o.spec?.template?.spec?.containers ?? [];
}

function selectorString(sel: any): string {
  if (!sel) return '<none>';
  const parts = Object.entries(sel.matchLabels ?? sel).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of sel.matchExpressions ?? []) {
    parts.push(
      `${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(
        ',',
      )})`,
    );
  }
  return joinOr(parts);
}

function hpaTargets(o: KubeObject): string {
  const metrics: any[] = o.spec?.metrics ?? [];
  const current: any[] = o.status?.currentMetrics ?? [];
  if (!metrics.length) return '<none>';
  const parts = metrics.slice(0, 2).map((m, i) => {
    const cur = current[i];
    const src =
      m.resource ?? m.containerResource ?? m.pods ?? m.object ?? m.external;
    const tgt = src?.target ?? {};
    const name = src?.name ?? src?.metric?.name ?? m.type;
    const curSrc =
      cur &&
      (cur.resource ??
        cur.containerResource ??
        cur.pods ??
        cur.object ??
        cur.external);
    if (tgt.type === 'Utilization') {
      const c = curSrc?.current?.averageUtilization;
      return `${name}: ${c === undefined ? '<unknown>' : `${c}%`}/${
        tgt.averageUtilization
      }%`;
    }
    const want = tgt.averageValue ?? tgt.value ?? '?';
    const c = curSrc?.current?.averageValue ?? curSrc?.current?.value;
    return `${name}: ${c ?? '<unknown>'}/${want}${
      tgt.averageValue ? ' (avg)' : ''
    }`;
  });
  const more = metrics.length > 2 ? ` + ${metrics.length - 2} more...` : '';
  return parts.join(', ') + more;
}

/** Subjects of a binding of one kind, as the RBAC printers show them. */
function subjectsOf(o: KubeObject, kind: string): string {
  return ((o.subjects ?? []) as any[])
    .filter(s => s?.kind === kind)
    .map(s =>
      kind === 'ServiceAccount'
        ? `${s.namespace ?? o.metadata.namespace ?? ''}/${s.name}`
        : s.name,
    )
    .join(', ');
}

const CREATED_AT: Column = {
  name: 'Created At',
  type: 'string',
  format: 'date',
  description:
    'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: o => o.metadata.creationTimestamp ?? '',
};

const BINDING: Column[] = [
  NAME,
  col('Role', o => `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`),
  AGE,
  col('Users', o => subjectsOf(o, 'User'), 1),
  col('Groups', o => subjectsOf(o, 'Group'), 1),
  col('ServiceAccounts', o => subjectsOf(o, 'ServiceAccount'), 1),
];

const COLUMNS: Record<string, Column[]> = {
  'rbac.authorization.k8s.io/Role': [NAME, CREATED_AT],
  'rbac.authorization.k8s.io/ClusterRole': [NAME, CREATED_AT],
  'rbac.authorization.k8s.io/RoleBinding': BINDING,
  'rbac.authorization.k8s.io/ClusterRoleBinding': BINDING,
  Namespace: [NAME, col('Status', o => o.status?.phase ?? ''), AGE],
  Node: [
    NAME,
    col('Status', o =>
      (o.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      )
        ? 'Ready'
        : 'NotReady',
    ),
    col('Roles', o =>
      joinOr(
        Object.keys(o.metadata.labels ?? {})
          .filter(k => k.startsWith('node-role.kubernetes.io/'))
          .map(k => k.split('/')[1]),
      ),
    ),
    AGE,
    col('Version', o => o.status?.nodeInfo?.kubeletVersion ?? ''),
    col(
      'Internal-IP',
      o =>
        (o.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')
          ?.address ?? '<none>',
      1,
    ),
  ],
  ConfigMap: [
    NAME,
    col(
      'Data',
      o =>
        Object.keys(o.data ?? {}).length +
        Object.keys(o.binaryData ?? {}).length,
      0,
      'integer',
    ),
    AGE,
  ],
  Endpoints: [
    NAME,
    col('Endpoints', o => {
      const all: string[] = [];
      for (const s of o.subsets ?? []) {
        for (const a of s.addresses ?? []) {
          for (const p of s.ports ?? [{}])
            all.push(p.port ? `${a.ip}:${p.port}` : a.ip);
        }
      }
      if (all.length > 3)
        return `${all.slice(0, 3).join(',')} + ${all.length - 3} more...`;
      return joinOr(all);
    }),
    AGE,
  ],
  Event: [
    col('Last Seen', (o, now) =>
      since(
        o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp,
        now,
      ),
    ),
    col('Type', o => o.type ?? ''),
    col('Reason', o => o.reason ?? ''),
    col(
      'Object',
      o =>
        `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${
          o.involvedObject?.name ?? ''
        }`,
    ),
    col('Subobject', o => o.involvedObject?.fieldPath ?? '', 1),
    col('Source', o => o.source?.component ?? o.reportingComponent ?? '', 1),
    col('Message', o => o.message ?? ''),
    col(
      'First Seen',
      (o, now) => since(o.firstTimestamp ?? o.metadata.creationTimestamp, now),
      1,
    ),
    col('Count', o => o.count ?? 1, 1, 'integer'),
    { ...NAME, priority: 1 },
  ],
  Secret: [
    NAME,
    col('Type', o => o.type ?? 'Opaque'),
    col('Data', o => Object.keys(o.data ?? {}).length, 0, 'integer'),
    AGE,
  ],
  Ingress: [
    NAME,
    col('Class', o => o.spec?.ingressClassName ?? '<none>'),
    col('Hosts', o =>
      joinOr(
        (o.spec?.rules ?? []).map((r: any) => r.host ?? '*'),
        '*',
      ),
    ),
    col('Address', o =>
      joinOr(
        (o.status?.loadBalancer?.ingress ?? []).map(
          (i: any) => i.ip ?? i.hostname,
        ),
        '',
      ),
    ),
    col('Ports', o => (o.spec?.tls?.length ? '80, 443' : '80')),
    AGE,
  ],
  Pod: [
    NAME,
    col('Ready', o => {
      const cs: any[] = o.status?.containerStatuses ?? [];
      const total = (o.spec?.containers ?? []).length;
      return `${cs.filter(c => c.ready).length}/${total}`;
    }),
    col('Status', o => podStatus(o)),
    col(
      'Restarts',
      (o, now) => {
        const cs: any[] = o.status?.containerStatuses ?? [];
        const n = cs.reduce((a, c) => a + (c.restartCount ?? 0), 0);
        const last = cs
          .map(c => c.lastState?.terminated?.finishedAt)
          .filter(Boolean)
          .sort()
          .pop();
        return last && n ? `${n} (${since(last, now)} ago)` : String(n);
      },
      0,
    ),
    AGE,
    col('IP', o => o.status?.podIP ?? '<none>', 1),
    col('Node', o => o.spec?.nodeName ?? '<none>', 1),
    col('Nominated Node', () => '<none>', 1),
    col('Readiness Gates', () => '<none>', 1),
  ],
  Service: [
    NAME,
    col('Type', o => o.spec?.type ?? 'ClusterIP'),
    col('Cluster-IP', o => o.spec?.clusterIP ?? '<none>'),
    col('External-IP', o => {
      const ips = (o.status?.loadBalancer?.ingress ?? []).map(
        (i: any) => i.ip ?? i.hostname,
      );
      if (o.spec?.type === 'LoadBalancer')
        return ips.length ? ips.join(',') : '<pending>';
      if (o.spec?.type === 'ExternalName')
        return o.spec.externalName ?? '<none>';
      return joinOr(o.spec?.externalIPs ?? []);
    }),
    col('Port(s)', o =>
      joinOr(
        (o.spec?.ports ?? []).map((p: any) =>
          p.nodePort
            ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}`
            : `${p.port}/${p.protocol ?? 'TCP'}`,
        ),
      ),
    ),
    AGE,
    col('Selector', o => selectorString(o.spec?.selector), 1),
  ],
  Deployment: [
    NAME,
    col(
      'Ready',
      o => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
    ),
    col('Up-to-date', o => o.status?.updatedReplicas ?? 0, 0, 'integer'),
    col('Available', o => o.status?.availableReplicas ?? 0, 0, 'integer'),
    AGE,
    col(
      'Containers',
      o =>
        containers(o)
          .map(c => c.name)
          .join(','),
      1,
    ),
    col(
      'Images',
      o =>
        containers(o)
          .map(c => c.image)
          .join(','),
      1,
    ),
    col('Selector', o => selectorString(o.spec?.selector), 1),
  ],
  ReplicaSet: [
    NAME,
    col('Desired', o => o.spec?.replicas ?? 0, 0, 'integer'),
    col('Current', o => o.status?.replicas ?? 0, 0, 'integer'),
    col('Ready', o => o.status?.readyReplicas ?? 0, 0, 'integer'),
    AGE,
    col(
      'Containers',
      o =>
        containers(o)
          .map(c => c.name)
          .join(','),
      1,
    ),
    col(
      'Images',
      o =>
        containers(o)
          .map(c => c.image)
          .join(','),
      1,
    ),
    col('Selector', o => selectorString(o.spec?.selector), 1),
  ],
  HorizontalPodAutoscaler: [
    NAME,
    col(
      'Reference',
      o => `${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`,
    ),
    col('Targets', o => hpaTargets(o)),
    col('MinPods', o => o.spec?.minReplicas ?? 1, 0, 'integer'),
    col('MaxPods', o => o.spec?.maxReplicas ?? 0, 0, 'integer'),
    col('Replicas', o => o.status?.currentReplicas ?? 0, 0, 'integer'),
    AGE,
  ],
  'networking.istio.io/VirtualService': [
    NAME,
    col('Gateways', o => JSON.stringify(o.spec?.gateways ?? [])),
    col('Hosts', o => JSON.stringify(o.spec?.hosts ?? [])),
    AGE,
  ],
  'networking.istio.io/DestinationRule': [
    NAME,
    col('Host', o => o.spec?.host ?? ''),
    AGE,
  ],
  'networking.istio.io/Gateway': [NAME, AGE],
  'gateway.networking.k8s.io/GatewayClass': [
    NAME,
    col('Controller', o => o.spec?.controllerName ?? ''),
    col(
      'Accepted',
      o =>
        (o.status?.conditions ?? []).find((c: any) => c.type === 'Accepted')
          ?.status ?? 'Unknown',
    ),
    AGE,
  ],
  'gateway.networking.k8s.io/Gateway': [
    NAME,
    col('Class', o => o.spec?.gatewayClassName ?? ''),
    col('Address', o => (o.status?.addresses ?? [])[0]?.value ?? ''),
    col(
      'Programmed',
      o =>
        (o.status?.conditions ?? []).find((c: any) => c.type === 'Programmed')
          ?.status ?? 'Unknown',
    ),
    AGE,
  ],
  'gateway.networking.k8s.io/HTTPRoute': [
    NAME,
    col('Hostnames', o => JSON.stringify(o.spec?.hostnames ?? [])),
    AGE,
  ],
};

function columnsFor(t: ResourceType): Column[] {
  return COLUMNS[`${t.group}/${t.kind}`] ?? COLUMNS[t.kind] ?? [NAME, AGE];
}

/** `includeObject`: what each row carries. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: KubeObject, include: IncludeObject, apiVersion: string) {
  if (include === 'None') return undefined;
  if (include === 'Object') return { ...o, apiVersion };
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

/** A `meta.k8s.io/v1` Table of objects. */
export function toTable(
  t: ResourceType,
  items: KubeObject[],
  options: {
    resourceVersion?: string;
    continue?: string;
    remainingItemCount?: number;
    include: IncludeObject;
    apiVersion: string;
    noHeaders?: boolean;
  },
): Record<string, unknown> {
  const cols = columnsFor(t);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {
      ...(options.resourceVersion && {
        resourceVersion: options.resourceVersion,
      }),
      ...(options.continue && { continue: options.continue }),
      ...(options.remainingItemCount !== undefined && {
        remainingItemCount: options.remainingItemCount,
      }),
    },
    ...(!options.noHeaders && {
      columnDefinitions: cols.map(c => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description,
        priority: c.priority,
      })),
    }),
    rows: items.map(o => {
      const object = rowObject(o, options.include, options.apiVersion);
      return {
        cells: cols.map(c => c.cell(o, now)),
        ...(object && { object }),
      };
    }),
  };
}
