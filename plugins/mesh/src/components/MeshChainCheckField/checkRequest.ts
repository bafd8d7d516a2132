/*
 * What the template check field sends and what it keeps: the template it
 * belongs to, the form's values without the field's own, the findings in
 * the order the field lists them, and the lines the review page shows.
 */
import type { ApiHolder } from '@backstage/core-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  refusesRun,
  type ChainFinding,
  type MeshCheckResponse,
} from '@mesh-chain/plugin-mesh-common';
import { meshApiRef, MeshClient, type MeshApi } from '../../api';
import { errorMessage, sortDiagnostics } from '../../utils/format';

/**
 * The `ui:options` of the field.
 *
 * @public
 */
export interface MeshChainCheckUiOptions {
  /**
   * The template to check, e.g. `template:default/mesh-service`. Defaults
   * to the template of the page (`/create/templates/:namespace/:name`).
   */
  templateRef?: string;
}

/**
 * The template to check: `ui:options.templateRef`, else the one the
 * scaffolder's page shows (`.../templates/:namespace/:name`).
 */
export function templateRefOf(
  uiOptions: MeshChainCheckUiOptions | undefined,
  pathname: string,
): string | undefined {
  if (uiOptions?.templateRef) return uiOptions.templateRef;
  const match = /\/templates\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  if (!match) return undefined;
  const [namespace, name] = match.slice(1).map(decodeURIComponent);
  return `template:${namespace}/${name}`;
}

/** The form's values without the field's own (its findings). */
export function valuesToCheck(
  formData: JsonObject | undefined,
  own: { name?: string; value?: unknown },
): JsonObject {
  return Object.fromEntries(
    Object.entries(formData ?? {}).filter(
      ([key, value]) =>
        key !== own.name && (own.value === undefined || value !== own.value),
    ),
  );
}

/** One line for a finding: severity, code, title and object. */
export function findingLine(f: ChainFinding): string {
  const severity = f.severity === 'info' ? 'Note' : capitalize(f.severity);
  return `${severity}${f.code ? ` ${f.code}` : ''}: ${f.title} (${f.object})`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The field's value, which the review page lists: one line per finding,
 * errors first, or "No problems found".
 */
export function reviewLines(result: MeshCheckResponse): string[] {
  if (result.findings.length === 0) return ['No problems found'];
  return sortDiagnostics(result.findings).map(findingLine);
}

/**
 * The message of a finding that refuses the run, as the form shows it when
 * it will not go on: code, title, object and fix.
 */
export function blockingMessage(f: ChainFinding): string {
  return `${f.code ?? 'Error'} ${f.title} (${f.object}${
    f.path ? ` ${f.path}` : ''
  }): ${f.fix}`;
}

/** The findings of a result that refuse the template's run. */
export function blockingFindings(result: MeshCheckResponse): ChainFinding[] {
  return sortDiagnostics(result.findings.filter(refusesRun));
}

/** What the statuses the check answers with mean to the user. */
const statusReasons: Record<number, string> = {
  401: 'you are not signed in',
  403: 'not allowed',
  404: 'template not found',
  413: 'the form values are too large',
};

/**
 * What failed, for a check that could not run: the status and what the
 * server said, or the error's message.
 */
export function describeCheckError(error: Error): string {
  const status =
    error instanceof ResponseError ? error.response.status : undefined;
  const reason = status ? statusReasons[status] : undefined;
  const prefix = status
    ? `HTTP ${status}${reason ? ` (${reason})` : ''}: `
    : '';
  return `${prefix}${errorMessage(error)}`;
}

/**
 * The mesh API of the app, or a client over its discovery and fetch APIs
 * when the app has not installed the mesh plugin's API.
 */
export function meshApiOf(apis: ApiHolder): MeshApi | undefined {
  const api = apis.get(meshApiRef);
  if (api) return api;
  const discoveryApi = apis.get(discoveryApiRef);
  const fetchApi = apis.get(fetchApiRef);
  return discoveryApi && fetchApi
    ? new MeshClient({ discoveryApi, fetchApi })
    : undefined;
}
