/*
 * The Prometheus text exposition format (version 0.0.4), what every
 * exporter serves and Prometheus scrapes.
 */

/** One family of series. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: Array<{
    /** Suffix of the series name (`_bucket`, `_sum`, `_count`), or none. */
    suffix?: string;
    labels: Record<string, string>;
    value: number;
  }>;
}

function escapeLabel(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

/** The families as the text format. */
export function formatExposition(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\n/g, ' ')}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
        .join(',');
      lines.push(
        `${f.name}${s.suffix ?? ''}${labels ? `{${labels}}` : ''} ${formatValue(
          s.value,
        )}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
