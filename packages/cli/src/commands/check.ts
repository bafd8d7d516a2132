/*
 * `mesh-chain check`: the chains the manifests touch, diagnosed by the
 * engine; against a cluster, what the manifests introduce, fix and leave
 * unchanged. Exit 1 when what is reported reaches --fail-on.
 */
import {
  checkManifests,
  Diagnostic,
  ManifestCheck,
} from '@mesh-chain/plugin-mesh-common';
import { EXIT, InputError } from '../errors';
import type { CliIo } from '../io';
import { checkText } from '../report/checkText';
import {
  diagnosticAnnotations,
  problemAnnotations,
  workspacePath,
} from '../report/githubAnnotations';
import { LocatedDiagnostic, locator } from '../report/locate';
import {
  clusterWarnings,
  engineInput,
  manifestErrors,
  readSources,
  SourceOptions,
  Sources,
} from './sources';

/** The options of `check`. */
export interface CheckOptions extends SourceOptions {
  output: 'text' | 'json';
  annotations?: 'github';
  failOn: 'error' | 'warning' | 'none';
}

const FAILING: Record<CheckOptions['failOn'], Diagnostic['severity'][]> = {
  error: ['error'],
  warning: ['error', 'warning'],
  none: [],
};

/** Runs `check`; returns the exit code. */
export async function runCheck(opts: CheckOptions, io: CliIo): Promise<number> {
  if (!opts.filename?.length) {
    throw new InputError(
      'check needs manifests: -f FILE_OR_DIRECTORY (repeatable; - reads standard input)',
    );
  }
  if (opts.annotations && opts.output === 'json') {
    throw new InputError(
      '--annotations github writes workflow commands among the text report; use it with --output text',
    );
  }
  const toPath = (file: string) =>
    workspacePath(file, io.cwd, io.env.GITHUB_WORKSPACE);
  const sources = await readSources(opts, io);
  const unreadable = manifestErrors(sources);
  if (unreadable.length > 0) {
    if (opts.annotations) {
      const errors = sources.manifests.problems.filter(
        p => p.severity === 'error',
      );
      io.stdout(`${problemAnnotations(errors, toPath).join('\n')}\n`);
    }
    throw new InputError(
      `${unreadable.length === 1 ? 'a manifest' : 'manifests'} cannot be read`,
      unreadable,
    );
  }
  const result = checkManifests(engineInput(sources, opts));
  const locate = locator(sources.manifests.objects);
  const located = {
    diagnostics: result.diagnostics.map(locate),
    introduced: result.comparison?.introduced.map(locate),
    fixed: result.comparison?.fixed.map(locate),
    unchanged: result.comparison?.unchanged.map(locate),
  };
  const reported = located.introduced ?? located.diagnostics;
  const failing = reported.filter(d =>
    FAILING[opts.failOn].includes(d.severity),
  );
  const exitCode = failing.length > 0 ? EXIT.findings : EXIT.ok;
  if (opts.output === 'json') {
    io.stdout(
      `${JSON.stringify(
        jsonReport(sources, result, located, exitCode),
        null,
        2,
      )}\n`,
    );
    return exitCode;
  }
  if (opts.annotations) {
    const annotations = diagnosticAnnotations(
      reported,
      toPath,
      sources.live ? 'introduced: ' : '',
    );
    if (annotations.length > 0) io.stdout(`${annotations.join('\n')}\n`);
  }
  io.stdout(
    checkText({
      files: sources.manifests.files.length,
      objects: sources.manifests.objects.length,
      ...(sources.live && {
        cluster: {
          context: sources.live.context,
          server: sources.live.server,
          warnings: clusterWarnings(sources.live),
        },
      }),
      ...(sources.live
        ? {
            introduced: located.introduced,
            fixed: located.fixed,
            unchanged: located.unchanged,
          }
        : { diagnostics: located.diagnostics }),
      leftOut: result.leftOut,
    }),
  );
  return exitCode;
}

function jsonReport(
  sources: Sources,
  result: ManifestCheck,
  located: {
    diagnostics: LocatedDiagnostic[];
    introduced?: LocatedDiagnostic[];
    fixed?: LocatedDiagnostic[];
    unchanged?: LocatedDiagnostic[];
  },
  exitCode: number,
) {
  return {
    files: sources.manifests.files,
    objects: sources.manifests.objects.length,
    ...(sources.live
      ? {
          cluster: {
            context: sources.live.context,
            server: sources.live.server,
            warnings: sources.live.warnings,
          },
          introduced: located.introduced,
          fixed: located.fixed,
          unchanged: located.unchanged,
        }
      : { diagnostics: located.diagnostics, leftOut: result.leftOut }),
    notices: sources.manifests.problems.filter(p => p.severity === 'notice'),
    exitCode,
  };
}
