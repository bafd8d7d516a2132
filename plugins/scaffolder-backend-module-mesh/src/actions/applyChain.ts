import {
  LoggerService,
  resolveSafeChildPath,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, isError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { KubeConfig } from '@kubernetes/client-node';
import {
  classifyClusterError,
  type MeshClustersService,
} from '@mesh-chain/plugin-mesh-node';
import { createHash } from 'crypto';
import {
  blockingFindings,
  ChainCheckResult,
  checkChainInCluster,
  checkChainManifests,
  describeFinding,
  formatFindings,
} from '../chain/chainCheck';
import {
  parseManifests,
  readManifestDirectory,
  SourcedObject,
} from '../chain/manifests';
import { formatProblems, validateManifests } from '../chain/validate';
import {
  applyManifests,
  ApplyFailedError,
  ObjectResult,
  orderForApply,
  waitForDeployments,
} from '../cluster/applyManifests';
import { ChainClusterClient } from '../cluster/MeshObjectApi';
import { TargetAccess, TargetCluster } from '../cluster/targetAccess';
import { ApplyTarget, readApplyTargets } from '../cluster/targets';
import { checkDns1123Label } from '../lib/formats';
import { isNamespacedKind, KubeObject } from '../lib/models';
import { declaredAs, parseInput, z as zod, Zod } from '../lib/zod';
import { objectRefFields } from './objectRefFields';
import { examples } from './applyChain.examples';
import type { ApplyChainInput, ApplyChainOutput } from './types';

const inputSchema = (z: Zod) =>
  declaredAs<ApplyChainInput>()(
    z
      .object({
        cluster: z
          .string()
          .describe(
            'Cluster to apply to, by its name under kubernetes.clusterLocatorMethods (the same clusters the Kubernetes plugin shows). It must be allowed by mesh.scaffolder.targets, whose credentials it writes with.',
          ),
        manifestsPath: z
          .string()
          .default('kubernetes')
          .describe(
            'Directory in the workspace with the manifests: the files its kustomization.yaml lists, else every YAML file. Ignored when `manifests` is given.',
          ),
        manifests: z
          .string()
          .optional()
          .describe(
            'The manifests as a multi-document YAML string, instead of files.',
          ),
        namespace: z
          .string()
          .optional()
          .describe(
            'Namespace for objects that have none; when set, objects in any other namespace are refused.',
          ),
        fieldManager: z
          .string()
          .default('backstage-mesh')
          .describe(
            'Server-side apply field manager: who owns the fields this step sets.',
          ),
        forceConflicts: z
          .boolean()
          .default(false)
          .describe(
            'Take over fields another field manager (e.g. kubectl) owns, instead of failing.',
          ),
        waitForAvailable: z
          .boolean()
          .default(false)
          .describe(
            'Wait until every Deployment is rolled out, as `kubectl rollout status` waits: every replica updated and available, no old pod left.',
          ),
        waitTimeoutSeconds: z
          .number()
          .int()
          .default(120)
          .describe('How long to wait for the Deployments (1-900 seconds).'),
        clusterDomain: z
          .string()
          .default('cluster.local')
          .describe(
            'DNS domain of the cluster, to resolve Service hosts in the manifests.',
          ),
      })
      .strict(),
  );

const outputSchema = (z: Zod) =>
  declaredAs<ApplyChainOutput>()(
    z.object({
      cluster: z.string().describe('The cluster applied to.'),
      namespaces: z.array(z.string()).describe('The namespaces written to.'),
      results: z
        .array(
          z.object({
            ...objectRefFields(z),
            result: z
              .string()
              .describe(
                'created, configured, unchanged, or planned (template dry run).',
              ),
            message: z.string().optional().describe('Details, for failures.'),
          }),
        )
        .describe('What happened to each object, in apply order.'),
      summary: z.string().describe('The results as a Markdown table.'),
      warnings: z
        .array(z.string())
        .describe(
          'What the chain check found that did not stop the apply, one line each: code, title, object, field, what is wrong and the fix.',
        ),
      findings: z
        .array(
          z.object({
            code: z
              .string()
              .optional()
              .describe(
                'The code of the diagnostic catalogue (MESH-xxxx), as the Service Mesh tab shows it.',
              ),
            // The diagnostics' severities; declaredAs fails tsc should
            // these values and mesh-common's Severity differ.
            severity: z
              .enum(['error', 'warning', 'info'])
              .describe('error, warning or info.'),
            title: z.string().describe('The title of the finding.'),
            object: z.string().describe('Kind namespace/name of the object.'),
            path: z.string().optional().describe('The field, if any.'),
            message: z.string().describe('What is wrong.'),
            fix: z.string().describe('How to fix it.'),
            involvesManifests: z
              .boolean()
              .describe(
                'Whether it involves the manifests (else objects already in the cluster).',
              ),
          }),
        )
        .describe(
          'What the chain check found: the Service Mesh tab’s diagnostics for the chain once applied, and the rules about applying manifests.',
        ),
      checkedAgainst: z
        .string()
        .describe(
          '`cluster` when the chain was checked against the cluster’s objects, `manifests` when alone (a template dry run).',
        ),
      available: z
        .boolean()
        .optional()
        .describe(
          'Whether every Deployment became available (only when waiting).',
        ),
    }),
  );

/** Options of {@link createApplyChainAction}. @public */
export interface ApplyChainActionOptions {
  clusters: MeshClustersService;
  config: Config;
  /** Builds the cluster client; defaults to {@link MeshObjectApi}. */
  clientFactory?: (kc: KubeConfig) => ChainClusterClient;
  /** How often to poll Deployments while waiting (default 2000 ms). */
  pollIntervalMs?: number;
  /** Warns at start-up about targets without their own write credential. */
  logger?: LoggerService;
}

function markdownTable(results: ObjectResult[], cluster: string): string {
  return [
    `Cluster \`${cluster}\`:`,
    '',
    '| Kind | Namespace | Name | Result |',
    '| --- | --- | --- | --- |',
    ...results.map(
      r => `| ${r.kind} | ${r.namespace ?? ''} | ${r.name} | ${r.result} |`,
    ),
  ].join('\n');
}

/**
 * Applies manifests to a configured cluster by server-side apply, after a
 * server-side dry run of all of them, in dependency order, optionally
 * waiting for the Deployments.
 *
 * @public
 */
export function createApplyChainAction(
  options: ApplyChainActionOptions,
): TemplateAction<ApplyChainInput, ApplyChainOutput, 'v2'> {
  const { clusters, config, clientFactory } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const targets = readApplyTargets(config);
  for (const target of targets) {
    if (!target.credential) {
      options.logger?.warn(
        `${target.at} (cluster '${target.cluster}') has no credentials, so mesh:chain:apply writes with the cluster's own credential from kubernetes.clusterLocatorMethods, which the portal reads with; give the target a credential of its own that may write only where templates may (${target.at}.credentials.serviceAccountToken)`,
      );
    }
  }

  const access = new TargetAccess(clusters, targets, clientFactory);

  return createTemplateAction({
    id: 'mesh:chain:apply',
    description:
      "Applies Kubernetes and Istio manifests to a configured cluster: validates them against the upstream schemas, checks the target is allowed, checks the chain they make with the Service Mesh tab's engine against the cluster's objects (errors refuse the step, warnings are reported), runs a server-side dry run of every object (nothing is applied if any is rejected), then server-side applies them in dependency order with its own field manager, optionally waiting for the Deployments. In a template dry run it validates and checks the manifests alone and changes nothing.",
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput<ApplyChainInput>(
        inputSchema(zod),
        ctx.input,
        'mesh:chain:apply',
      );
      if (input.waitTimeoutSeconds < 1 || input.waitTimeoutSeconds > 900) {
        throw new InputError(
          `waitTimeoutSeconds: ${input.waitTimeoutSeconds} is out of range; use 1-900`,
        );
      }
      if (
        !input.fieldManager ||
        input.fieldManager.length > 128 ||
        /[^\x20-\x7e]/.test(input.fieldManager)
      ) {
        throw new InputError(
          'fieldManager: must be 1-128 printable ASCII characters, e.g. backstage-mesh',
        );
      }
      if (input.namespace !== undefined && checkDns1123Label(input.namespace)) {
        throw new InputError(
          `namespace: '${input.namespace}' ${checkDns1123Label(
            input.namespace,
          )}`,
        );
      }

      // Read
      let manifests: SourcedObject[];
      if (input.manifests !== undefined) {
        manifests = parseManifests(input.manifests, 'manifests');
      } else {
        let dir: string;
        try {
          dir = resolveSafeChildPath(ctx.workspacePath, input.manifestsPath);
        } catch {
          throw new InputError(
            `manifestsPath: '${input.manifestsPath}' is outside the workspace; use a relative path such as kubernetes`,
          );
        }
        manifests = await readManifestDirectory(dir, input.manifestsPath);
      }
      if (manifests.length === 0) {
        throw new InputError(
          'The manifests are empty; there is nothing to apply',
        );
      }

      // Namespaces
      const problems = [];
      for (const m of manifests) {
        const { object } = m;
        if (!isNamespacedKind(object.apiVersion, object.kind)) continue;
        if (!object.metadata.namespace) {
          if (input.namespace) {
            object.metadata.namespace = input.namespace;
          } else {
            problems.push({
              object: `${object.kind} ${object.metadata.name}`,
              source: m.source,
              path: 'metadata.namespace',
              message: 'is missing; set it, or give the action a namespace',
            });
          }
        } else if (
          input.namespace &&
          object.metadata.namespace !== input.namespace
        ) {
          problems.push({
            object: `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`,
            source: m.source,
            path: 'metadata.namespace',
            message: `is ${object.metadata.namespace}, but this step applies to namespace ${input.namespace}; fix one of them`,
          });
        }
      }

      // Validate
      problems.push(...validateManifests(manifests));
      if (problems.length > 0) {
        throw new InputError(
          `The manifests are not valid; nothing was applied:\n${formatProblems(
            problems,
          )}`,
        );
      }
      const ordered = orderForApply(manifests.map(m => m.object));
      const namespaces = namespacesOf(ordered);
      const where = await access.resolve(input.cluster, namespaces);
      const { cluster, target } = where;

      const check = await checkTheChain(ordered, where, access, {
        dryRun: Boolean(ctx.isDryRun),
        clusterDomain: input.clusterDomain,
      });
      const blocking = blockingFindings(check);
      if (blocking.length > 0) {
        throw new InputError(
          `The manifests make a chain the Service Mesh tab would report as broken; nothing was applied:\n${formatFindings(
            blocking,
          )}`,
        );
      }
      const warnings = check.findings
        .filter(f => !blocking.includes(f))
        .map(describeFinding);
      for (const w of warnings) {
        ctx.logger.warn(w);
      }

      ctx.output('cluster', cluster.name);
      ctx.output('namespaces', namespaces);
      ctx.output('warnings', warnings);
      ctx.output('findings', check.findings);
      ctx.output('checkedAgainst', check.checkedAgainst);

      if (ctx.isDryRun) {
        const planned: ObjectResult[] = ordered.map(o => ({
          apiVersion: o.apiVersion,
          kind: o.kind,
          ...(o.metadata.namespace && { namespace: o.metadata.namespace }),
          name: o.metadata.name,
          result: 'planned',
        }));
        ctx.logger.info(
          `Dry run: the manifests are valid and were checked alone; ${planned.length} objects would be applied to cluster '${cluster.name}' (the cluster was not contacted)`,
        );
        ctx.output('results', planned);
        ctx.output('summary', markdownTable(planned, cluster.name));
        return;
      }

      const key = createHash('sha256')
        .update(
          JSON.stringify({
            cluster: cluster.name,
            ordered,
            fieldManager: input.fieldManager,
            force: input.forceConflicts,
          }),
        )
        .digest('hex')
        .slice(0, 16);
      const results = await ctx.checkpoint({
        key: `mesh.apply.${cluster.name}.${key}`,
        fn: async () => {
          ctx.logger.info(
            target.credential
              ? `Writing to cluster '${cluster.name}' with the credentials of ${target.at}`
              : `Writing to cluster '${cluster.name}' with its own credential (${target.at} has no credentials)`,
          );
          const client = await access.client(where);
          try {
            const applied = await applyManifests({
              client,
              cluster: cluster.name,
              objects: ordered,
              fieldManager: input.fieldManager,
              force: input.forceConflicts,
              logger: ctx.logger,
            });
            return applied;
          } catch (error) {
            if (error instanceof ApplyFailedError) {
              ctx.logger.error(markdownTable(error.results, cluster.name));
              throw forbiddenByCluster(error, cluster.name, target) ?? error;
            }
            throw toClusterError(error, cluster.name);
          }
        },
      });
      ctx.output('results', results);
      ctx.output('summary', markdownTable(results, cluster.name));

      if (input.waitForAvailable) {
        const deployments = ordered.filter(o => o.kind === 'Deployment');
        const client = await access.client(where);
        try {
          await waitForDeployments({
            client,
            cluster: cluster.name,
            deployments,
            timeoutMs: input.waitTimeoutSeconds * 1000,
            pollIntervalMs,
            logger: ctx.logger,
            signal: ctx.signal,
          });
        } catch (error) {
          if (isError(error) && error.name === 'ConflictError') {
            throw error;
          }
          throw new Error(
            `${
              classifyClusterError(error, { cluster: cluster.name }).message
            } The objects were applied; waiting for the Deployments did not finish.`,
          );
        }
        ctx.logger.info(
          `All ${deployments.length} Deployments are available in cluster '${cluster.name}'`,
        );
        ctx.output('available', true);
      }
    },
  });
}

/** The namespaces the objects go to (a Namespace counts as its own). */
function namespacesOf(objects: KubeObject[]): string[] {
  return [
    ...new Set(
      objects.map(o =>
        o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace!,
      ),
    ),
  ];
}

/**
 * The chain check: against the cluster's objects, read with the cluster's
 * read credential; in a template dry run the manifests alone, so that a
 * dry run never contacts the cluster.
 */
async function checkTheChain(
  objects: KubeObject[],
  where: TargetCluster,
  access: TargetAccess,
  options: { dryRun: boolean; clusterDomain: string },
): Promise<ChainCheckResult> {
  const { clusterDomain } = options;
  if (options.dryRun) {
    return checkChainManifests(objects, { clusterDomain });
  }
  try {
    return await checkChainInCluster(objects, await access.client(where), {
      clusterDomain,
      cluster: where.cluster.name,
    });
  } catch (error) {
    throw toClusterError(error, where.cluster.name);
  }
}

/**
 * When the cluster's RBAC refused the target's write credential (403), an
 * error that says so first: which namespaces, which target, what to grant.
 */
function forbiddenByCluster(
  error: ApplyFailedError,
  cluster: string,
  target: ApplyTarget,
): ApplyFailedError | undefined {
  const refused = error.results.filter(r => r.message?.startsWith('403 '));
  if (refused.length === 0) {
    return undefined;
  }
  const namespaces = [
    ...new Set(
      refused.map(r => (r.kind === 'Namespace' ? r.name : r.namespace ?? '')),
    ),
  ];
  const credential = target.credential
    ? `the credentials of ${target.at}`
    : `the cluster's own credential (${target.at} has no credentials)`;
  return new ApplyFailedError(
    `Cluster '${cluster}' refused to let ${credential} write to namespace${
      namespaces.length > 1 ? 's' : ''
    } ${namespaces
      .map(n => `'${n}'`)
      .join(
        ', ',
      )} (403 Forbidden by its RBAC). The configuration allows it, the cluster does not: bind that credential's identity in each of these namespaces to a role that may write the chain's kinds (a RoleBinding to a ClusterRole like mesh-scaffolder, see the scaffolder module's README), or remove the namespace from ${
      target.at
    }.namespaces.\n${error.message}`,
    error.results,
  );
}

/**
 * Errors of the action itself pass through; failures to talk to the cluster
 * (unreachable, TLS, 401, timeouts) get a message that says what to check.
 */
function toClusterError(error: unknown, cluster: string): Error {
  if (
    isError(error) &&
    [
      'InputError',
      'NotAllowedError',
      'ConflictError',
      'NotFoundError',
    ].includes(error.name)
  ) {
    return error;
  }
  const classified = classifyClusterError(error, { cluster });
  return new Error(`${classified.message} Nothing was applied.`);
}
