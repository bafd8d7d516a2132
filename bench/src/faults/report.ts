/*
 * The fault suite's figures as a table (terminal) and as the document
 * docs/reliability.md (Markdown, with what is measured and how).
 */
import type { FaultRunFigures } from './FaultRun';

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'not back' : `${(ms / 1000).toFixed(1)} s`;
}

function rows(figures: FaultRunFigures): string[][] {
  return figures.faults.map(f => [
    f.title,
    f.cluster,
    f.survived ? 'yes' : 'NO',
    String(f.objectsLost),
    seconds(f.recoveryMs),
    `${f.slowestAnswerMs} ms`,
    f.observed,
  ]);
}

const HEAD = [
  'fault',
  'cluster',
  'survived',
  'objects lost',
  'recovery',
  'slowest answer',
  'the cluster said',
];

/** A plain-text table for the terminal. */
export function renderFaultTable(figures: FaultRunFigures): string {
  const all = [HEAD, ...rows(figures)];
  const widths = HEAD.map((_, i) => Math.max(...all.map(r => r[i].length)));
  const line = (r: string[]) =>
    r.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  const problems = figures.faults.flatMap(f =>
    f.problems.map(p => `  - ${f.title}: ${p}`),
  );
  return [
    line(HEAD),
    line(widths.map(w => '-'.repeat(w))),
    ...all.slice(1).map(line),
    ...(problems.length ? ['', 'Problems:', ...problems] : []),
  ].join('\n');
}

function mdRow(cells: string[]): string {
  return `| ${cells.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** docs/reliability.md: what the suite does, and the figures of one run. */
export function renderFaultMarkdown(
  figures: FaultRunFigures,
  jsonName: string,
): string {
  const m = figures.machine;
  const started = figures.faults.find(
    f => f.othersCurrentAfterMs !== undefined,
  );
  return `# Reliability: the mesh backend under cluster faults

The mesh backend reads every cluster through watch caches. This page is
what happens to a page view when one cluster misbehaves, measured, not
assumed: \`yarn bench --faults\` (also a stage of \`script/test\`) starts the
mesh backend (the real plugin in a Backstage backend, as \`yarn bench\`
does) against three demo clusters (\`@mesh-chain/demo-cluster\`, scenario
\`dev\`: ${figures.objectsPerCluster} objects and ${
    figures.entities
  } components each, controllers running), each behind a small
fault-injecting HTTP proxy (\`bench/src/faults/FaultProxy.ts\`), and injects
each fault below into one cluster, one at a time.

For each fault:

- **Survived** means every check held: no answer other than 200 (never a
  500); every page view (and route trace) answered within ${
    figures.settings.answerLimitMs / 1000
  } s (a quarter
  of the 10 s \`mesh.requestTimeout\`: answers come from the caches); the
  other two clusters answered \`current\` with their data throughout; the
  faulty cluster's part said what is wrong, naming the cluster
  (\`status\`: \`syncing\`, or \`stale\` since when and why, or
  \`istio: false\`, or the hostile object shown as it is, cut where too
  long); a route trace on it carried the same status as the chain; and,
  for faults during which the cluster changed, whenever it answered
  \`current\` again it showed the change (never new and old kinds mixed).
- **Objects lost** compares, object by object (kind, namespace, name,
  resourceVersion), what the backend's cache holds with a fresh list of the
  cluster, once the cluster answers current again: missing, stale and extra
  objects. The cache is read through the chain engine service, which the
  suite's backend process wraps (\`bench/src/faults/CacheObserver.ts\`; no
  route of the plugin).
- **Recovery** is the time from removing the fault to the cluster answering
  \`current\` with a cache equal to a fresh list (limit ${
    figures.settings.recoveryLimitMs / 1000
  } s).
- **Slowest answer** is the slowest page view or trace while the fault was
  on; **the cluster said** is the faulty cluster's part of the last answer
  before the fault was removed.

How each fault is made: *unreachable* closes the proxy (connections
refused); *latency* delays every request at the proxy, from before the
backend starts; *401* replaces the token with a revoked one and *403*
answers every request with a Kubernetes \`Status\` 403, after cutting the
open watches (a token is checked when a request starts); *CRDs absent*
answers 404 for the Istio and Gateway API groups; *watches dropped* cuts
every open watch mid-stream four times; *410 Gone* compacts the simulator's
history and ends its watches, so resuming answers 410; *restart* stops the
simulator, starts it again from its saved state with a Deployment scaled
meanwhile, and only then lets the backend reach it; the *hostile objects*
(invalid label selectors in a Service, a Deployment and a DestinationRule;
invalid RE2 patterns and one that backtracks exponentially in a
JavaScript engine (\`(a+)+$\`, traced against 40 a's and a mismatch) in a
VirtualService; a 1 MiB annotation on a Service)
are served by the proxy in lists and watch events, as a cluster without
admission webhooks could hold them. The suite's backend checks missing
CRDs again every 5 s (\`mesh.cache.crdRecheckInterval\`, 5 min by default);
everything else is the default configuration.

## Recorded run

${
  started?.othersCurrentAfterMs !== undefined
    ? `While \`${started.cluster}\` was still loading at 5 s per request, the other two clusters answered \`current\` ${started.othersCurrentAfterMs} ms after the backend was ready; every answer took at most ${started.slowestAnswerMs} ms.

`
    : ''
}${mdRow(HEAD)}
${mdRow(HEAD.map(() => '---'))}
${rows(figures)
  .map(r => mdRow(r))
  .join('\n')}
${
  figures.faults.some(f => f.problems.length)
    ? `\nProblems:\n\n${figures.faults
        .flatMap(f => f.problems.map(p => `- ${f.title}: ${p}`))
        .join('\n')}\n`
    : ''
}
${figures.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${m.cpus} × ${
    m.cpuModel
  }, ${m.memoryGb} GB, Node.js ${m.node}; the backend was ready ${(
    figures.backendStartMs / 1000
  ).toFixed(
    1,
  )} s after its process started. Raw figures: [${jsonName}](${jsonName}).

Before the fixes of issue 11 (the backend of commit 72a1425, run once
with this suite), 9 of the 11 faults were not survived: while one cluster
loaded at 5 s per request, answers took up to 10.1 s and the two healthy
clusters answered \`timeout\` errors; a cluster that was down, restarted or
had its watches dropped was presented as current with its old data (the
Deployment scaled meanwhile still at its old size), and took up to 27 s to
catch up (backoff up to a minute); a 1 MiB annotation grew the answer from
45 KB to 1.09 MB.

Not covered: clusters read with the user's own credential (direct reads,
no cache) are bounded by \`mesh.requestTimeout\` per request and are not
part of this suite.
`;
}
