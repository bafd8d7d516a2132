/*
 * GitHub Actions workflow commands (`::error file=…,line=…::message`):
 * annotations on the lines of a pull request's files.
 */
import type { ManifestProblem, Severity } from '@mesh-chain/plugin-mesh-common';
import path from 'node:path';
import { LocatedDiagnostic, objectName } from './locate';

const LEVEL: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
};

/** `%`, CR and LF escaped, as the runner reads a command's message. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The message's escapes, and also `:` and `,` for a property's value. */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A path as the runner expects it: relative to the repository checkout
 * (`GITHUB_WORKSPACE`) when the file is inside it.
 */
export function workspacePath(
  file: string,
  cwd: string,
  workspace: string | undefined,
): string {
  if (file === '-') return file;
  const full = path.resolve(cwd, file);
  const base = workspace ? path.resolve(workspace) : cwd;
  const relative = path.relative(base, full);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? relative.split(path.sep).join('/')
    : file;
}

function command(
  level: string,
  properties: Record<string, string | number | undefined>,
  message: string,
): string {
  const props = Object.entries(properties)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${level}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** One annotation per diagnostic, on its object's line when it has one. */
export function diagnosticAnnotations(
  diagnostics: readonly LocatedDiagnostic[],
  toPath: (file: string) => string,
  prefix = '',
): string[] {
  return diagnostics.map(d =>
    command(
      LEVEL[d.severity],
      {
        file: d.file && d.file !== '-' ? toPath(d.file) : undefined,
        line: d.file && d.file !== '-' ? d.line : undefined,
        title: `${prefix}${d.code} ${d.title}`,
      },
      `${d.file ? '' : `${objectName(d)}: `}${d.message}\nFix: ${d.fix}`,
    ),
  );
}

/** One error annotation per manifest that cannot be read. */
export function problemAnnotations(
  problems: readonly ManifestProblem[],
  toPath: (file: string) => string,
): string[] {
  return problems.map(p =>
    command(
      p.severity === 'error' ? 'error' : 'notice',
      {
        file: p.file !== '-' ? toPath(p.file) : undefined,
        line: p.file !== '-' ? p.line : undefined,
        title:
          p.severity === 'error'
            ? `mesh-chain: cannot read document ${p.document ?? ''}`.trim()
            : 'mesh-chain',
      },
      p.message,
    ),
  );
}
