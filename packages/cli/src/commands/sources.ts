/*
 * What every command reads: the manifests named with -f and, with
 * --kubeconfig or --context, the live cluster; and the engine input they
 * make together.
 */
import {
  formatManifestProblem,
  ManifestCheckInput,
  parseLabelSelector,
} from '@mesh-chain/plugin-mesh-common';
import { LiveCluster, readLiveCluster } from '../cluster/readLiveCluster';
import { InputError } from '../errors';
import { ReadManifests, readManifestFiles } from '../files/readManifestFiles';
import type { CliIo } from '../io';

/** The options every command takes. */
export interface SourceOptions {
  filename?: string[];
  namespace?: string[];
  selector?: string;
  kubeconfig?: string;
  context?: string;
  clusterDomain: string;
  requestTimeout: number;
}

/** What was read. */
export interface Sources {
  manifests: ReadManifests;
  live?: LiveCluster;
}

const NO_MANIFESTS: ReadManifests = { files: [], objects: [], problems: [] };

/** Whether the options ask for a live cluster. */
export function wantsCluster(opts: SourceOptions): boolean {
  return opts.kubeconfig !== undefined || opts.context !== undefined;
}

/**
 * Reads the manifests (notices go to stderr) and the cluster. Unreadable
 * manifests are not thrown: the caller reports them (with annotations when
 * asked) and exits 2.
 */
export async function readSources(
  opts: SourceOptions,
  io: CliIo,
): Promise<Sources> {
  if (opts.selector !== undefined) {
    try {
      parseLabelSelector(opts.selector);
    } catch (e) {
      throw new InputError(
        `--selector: ${
          (e as Error).message
        }; write it as kubectl does, e.g. app=reviews,version in (v1,v2)`,
      );
    }
  }
  const manifests = opts.filename?.length
    ? await readManifestFiles(opts.filename, {
        cwd: io.cwd,
        readStdin: io.readStdin,
        defaultNamespace: opts.namespace?.[0],
      })
    : NO_MANIFESTS;
  for (const p of manifests.problems.filter(x => x.severity === 'notice')) {
    io.stderr(`note: ${formatManifestProblem(p)}\n`);
  }
  if (manifests.problems.some(p => p.severity === 'error')) {
    return { manifests };
  }
  const live = wantsCluster(opts)
    ? await readLiveCluster({
        kubeconfig: opts.kubeconfig,
        cwd: io.cwd,
        context: opts.context,
        namespaces: opts.namespace,
        timeoutMs: opts.requestTimeout * 1000,
      })
    : undefined;
  return { manifests, live };
}

/** Unreadable manifests as one line each. */
export function manifestErrors(sources: Sources): string[] {
  return sources.manifests.problems
    .filter(p => p.severity === 'error')
    .map(formatManifestProblem);
}

/** The engine's input: the manifests, the cluster, the component. */
export function engineInput(
  sources: Sources,
  opts: SourceOptions,
): ManifestCheckInput {
  const namespaces = opts.namespace ?? [];
  return {
    manifests: sources.manifests.objects.map(m => m.object),
    ...(sources.live && { live: sources.live }),
    ...(opts.selector !== undefined && {
      target: {
        labelSelector: opts.selector,
        ...(namespaces.length === 1 && { namespace: namespaces[0] }),
      },
    }),
    ...(namespaces.length > 0 && { namespaces }),
    clusterDomain: opts.clusterDomain,
  };
}

/** Warnings of a partially readable cluster, one line each. */
export function clusterWarnings(live: LiveCluster | undefined): string[] {
  return (live?.warnings ?? []).map(
    w =>
      `${w.resource ?? 'some objects'} could not be read (${
        w.message
      }); chains are checked without them`,
  );
}
