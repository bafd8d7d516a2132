/*
 * `mesh-chain check` as text: each diagnostic as `file:line: severity CODE
 * title`, the object and field, what is wrong and the fix; then a summary.
 */
import type { Severity } from '@mesh-chain/plugin-mesh-common';
import { LocatedDiagnostic, objectName } from './locate';

/** What the text report shows. */
export interface CheckReport {
  files: number;
  objects: number;
  /** Against a cluster: its context; none for manifests alone. */
  cluster?: { context: string; server: string; warnings: string[] };
  /** Manifests alone: every diagnostic. */
  diagnostics?: LocatedDiagnostic[];
  introduced?: LocatedDiagnostic[];
  fixed?: LocatedDiagnostic[];
  unchanged?: LocatedDiagnostic[];
  leftOut: string[];
}

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n} ${n === 1 ? one : many}`;

function where(d: LocatedDiagnostic, cluster: string | undefined): string {
  if (d.file) return `${d.file}:${d.line ?? 1}`;
  return cluster ? `cluster ${cluster}` : 'manifests';
}

/** One diagnostic, four lines. */
export function formatDiagnostic(
  d: LocatedDiagnostic,
  cluster?: string,
): string {
  const field = d.path ? `, ${d.path}` : '';
  return [
    `${where(d, cluster)}: ${d.severity} ${d.code} ${d.title}`,
    `  ${objectName(d)}${field}`,
    `  ${d.message}`,
    `  Fix: ${d.fix}`,
  ].join('\n');
}

/** `2 errors, 1 warning` (nothing when there is nothing). */
export function countBySeverity(ds: readonly { severity: Severity }[]) {
  const n = (s: Severity) => ds.filter(d => d.severity === s).length;
  return [
    n('error') && plural(n('error'), 'error'),
    n('warning') && plural(n('warning'), 'warning'),
    n('info') && plural(n('info'), 'info', 'info'),
  ]
    .filter(Boolean)
    .join(', ');
}

function section(
  title: string,
  ds: readonly LocatedDiagnostic[],
  cluster?: string,
): string[] {
  if (ds.length === 0) return [];
  return [
    `${title} (${ds.length}):`,
    '',
    ...ds.map(d => `${formatDiagnostic(d, cluster)}\n`),
  ];
}

/** The whole report. */
export function checkText(report: CheckReport): string {
  const scope = `${plural(report.objects, 'object')} from ${plural(
    report.files,
    'file',
  )}`;
  const lines: string[] = [];
  if (report.cluster) {
    const context = report.cluster.context;
    lines.push(
      `Checked ${scope} against the cluster of context "${context}" (${report.cluster.server}).`,
      ...report.cluster.warnings.map(w => `Warning: ${w}`),
      '',
      ...section(
        'Introduced by the manifests',
        report.introduced ?? [],
        context,
      ),
      ...section('Fixed by the manifests', report.fixed ?? [], context),
      ...section('Unchanged', report.unchanged ?? [], context),
    );
    const introduced = report.introduced ?? [];
    lines.push(
      `${plural(introduced.length, 'diagnostic')} introduced${
        introduced.length ? ` (${countBySeverity(introduced)})` : ''
      }, ${report.fixed?.length ?? 0} fixed, ${
        report.unchanged?.length ?? 0
      } unchanged.`,
    );
  } else {
    const ds = report.diagnostics ?? [];
    lines.push(
      `Checked ${scope}.`,
      '',
      ...ds.map(d => `${formatDiagnostic(d)}\n`),
    );
    lines.push(
      ds.length === 0
        ? 'No problems found.'
        : `${plural(ds.length, 'problem')} (${countBySeverity(ds)}).`,
    );
    if (report.leftOut.length > 0) {
      lines.push(
        `Not judged from manifests alone (they need a running cluster; add --kubeconfig to include them): ${report.leftOut.join(
          ', ',
        )}.`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
