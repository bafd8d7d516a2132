/*
 * `mesh-chain trace URL`: where a request goes through the chains of the
 * manifests (over the cluster when one is given), as the Backstage tab's
 * tracer shows it. Exit 1 when the request, or a share of it, is not
 * served.
 */
import {
  plannedChain,
  RouteSimulationRequest,
  simulateRoute,
} from '@mesh-chain/plugin-mesh-common';
import { EXIT, InputError } from '../errors';
import type { CliIo } from '../io';
import { traceText } from '../report/traceText';
import {
  clusterWarnings,
  engineInput,
  manifestErrors,
  readSources,
  SourceOptions,
  wantsCluster,
} from './sources';

/** The options of `trace`. */
export interface TraceOptions extends SourceOptions {
  output: 'text' | 'json';
  method: string;
  header?: string[];
  from?: 'gateway' | 'mesh';
  sourceNamespace?: string;
}

/** `Name: value` headers as a record; a malformed one is an InputError. */
export function parseHeaders(headers: readonly string[] = []) {
  const out: Record<string, string> = {};
  for (const h of headers) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s?(.*)$/.exec(h);
    if (!m) {
      throw new InputError(
        `-H "${h}": a header is written "Name: value", e.g. -H 'x-user: jason'`,
      );
    }
    out[m[1].toLocaleLowerCase('en-US')] = m[2];
  }
  return out;
}

function simulationRequest(url: string, opts: TraceOptions) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError(
      `"${url}" is not an absolute URL; write it with its scheme and host, e.g. http://shop.example.com/cart`,
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InputError(`"${url}": only http and https requests are traced`);
  }
  const from = opts.from ?? (opts.sourceNamespace ? 'mesh' : 'gateway');
  if (from === 'gateway' && opts.sourceNamespace) {
    throw new InputError(
      '--source-namespace is the namespace of a caller inside the mesh; use it with --from mesh',
    );
  }
  const request: RouteSimulationRequest = {
    url,
    method: opts.method.toLocaleUpperCase('en-US'),
    headers: parseHeaders(opts.header),
    from,
    ...(from === 'mesh' && {
      sourceNamespace: opts.sourceNamespace ?? opts.namespace?.[0] ?? 'default',
    }),
  };
  return request;
}

/** Runs `trace`; returns the exit code. */
export async function runTrace(
  url: string,
  opts: TraceOptions,
  io: CliIo,
): Promise<number> {
  if (!opts.filename?.length && !wantsCluster(opts)) {
    throw new InputError(
      'trace needs manifests (-f FILE_OR_DIRECTORY), a cluster (--kubeconfig FILE or --context NAME), or both',
    );
  }
  const request = simulationRequest(url, opts);
  const sources = await readSources(opts, io);
  const unreadable = manifestErrors(sources);
  if (unreadable.length > 0) {
    throw new InputError(
      `${unreadable.length === 1 ? 'a manifest' : 'manifests'} cannot be read`,
      unreadable,
    );
  }
  const chain = plannedChain(engineInput(sources, opts));
  const result = {
    ...simulateRoute(chain, request, { clusterDomain: opts.clusterDomain }),
    ...(sources.live?.warnings.length && { warnings: sources.live.warnings }),
  };
  // Served only when every share of the traffic is.
  const exitCode =
    result.reachable && result.reasons.length === 0 ? EXIT.ok : EXIT.findings;
  if (opts.output === 'json') {
    io.stdout(`${JSON.stringify({ request, result, exitCode }, null, 2)}\n`);
    return exitCode;
  }
  const scope = [
    sources.manifests.files.length > 0 &&
      `the manifests (${sources.manifests.objects.length} object${
        sources.manifests.objects.length === 1 ? '' : 's'
      })`,
    sources.live && `the cluster of context "${sources.live.context}"`,
  ]
    .filter(Boolean)
    .join(' over ');
  io.stdout(traceText(request, { ...result, warnings: undefined }, scope));
  for (const w of clusterWarnings(sources.live)) io.stderr(`warning: ${w}\n`);
  return exitCode;
}
