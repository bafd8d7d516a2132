/*
 * Changing an entity's traffic: a change is checked (permission, the
 * entity's own chain, the configured write target), turned into the
 * smallest server-side apply of the fields it touches, previewed as a
 * server-side dry run whose result the chain engine resolves and
 * diagnoses, and applied only when the owner confirms and no other manager
 * keeps the fields (or an administrator forces it). Every step is audited.
 */
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  ChainChangeRequest,
  ChangeFieldOwner,
  ChangePreview,
  ChangeResult,
  ChangeTargetsResponse,
  KubeObject,
  meshChainUpdateForcePermission,
} from '@mesh-chain/plugin-mesh-common';
import { ChangeAudit } from './changeAudit';
import { ChangeClusterError } from './ChangeCluster';
import { decideChange } from './changeDecision';
import { reportChange } from './changeReport';
import {
  callerError,
  conflictingManagers,
  ownerFromConflict,
} from './clusterAnswers';
import { displayField } from './managedFields';
import {
  ChangeCall,
  ChangeDeps,
  prepareChange,
  PreparedChange,
} from './prepareChange';

export type { ChangeCall, ChangeDeps } from './prepareChange';

/** See the file comment. */
export class ChangeService {
  constructor(private readonly deps: ChangeDeps) {}

  /** Where changes are allowed (no credentials). */
  targets(): ChangeTargetsResponse {
    return {
      fieldManager: this.deps.settings.fieldManager,
      targets: this.deps.settings.targets.map(t => ({
        cluster: t.cluster,
        namespaces: t.namespaces,
      })),
    };
  }

  /** What a change would do: a server-side dry run; nothing is written. */
  async preview(call: ChangeCall): Promise<ChangePreview> {
    return this.audited('preview', call, async (prepared, audit) => {
      const { object, owners } = await this.dryRun(prepared);
      const preview = reportChange(this.deps, { ...prepared, owners }, object);
      await audit.succeeded(
        preview.decision.allowed ? 'previewed' : 'previewed, refused',
        { after: preview.after as never, reasons: preview.decision.reasons },
      );
      return preview;
    });
  }

  /** Applies a change the owner confirmed. */
  async apply(call: ChangeCall): Promise<ChangeResult> {
    return this.audited('apply', call, async (prepared, audit) => {
      this.checkApplicable(prepared);
      let applied: KubeObject;
      try {
        applied = await prepared.kube.apply(prepared.config, {
          fieldManager: this.deps.settings.fieldManager,
          force: prepared.owners.length > 0,
          dryRun: false,
        });
      } catch (error) {
        throw callerError(error, prepared.cluster.name, prepared.writeTarget);
      }
      const result: ChangeResult = {
        ...reportChange(this.deps, prepared, applied),
        appliedAt: new Date().toISOString(),
        ...(applied.metadata.resourceVersion && {
          resourceVersion: applied.metadata.resourceVersion,
        }),
      };
      await audit.succeeded('applied', {
        after: result.after as never,
        forced: result.decision.forced,
        resourceVersion: result.resourceVersion ?? null,
      });
      this.deps.logger.info(
        `mesh: ${result.summary} in cluster '${prepared.cluster.name}' (for ${prepared.entityRef})`,
      );
      return result;
    });
  }

  /**
   * Refuses an apply that forces without the permission, that another
   * owner stops, or whose fields changed since the preview it confirms.
   */
  private checkApplicable(prepared: PreparedChange) {
    const { request, owners, basis, canForce } = prepared;
    if (request.force && !canForce) {
      throw new NotAllowedError(
        `Forcing a change past another field manager needs the ${meshChainUpdateForcePermission.name} permission (administrators)`,
      );
    }
    const decision = decideChange({
      owners,
      force: !!request.force,
      canForce,
    });
    if (!decision.allowed) {
      throw new NotAllowedError(
        `The change is refused: ${decision.reasons.join(' ')}`,
      );
    }
    if (request.basis !== undefined && request.basis !== basis) {
      throw new ConflictError(
        `${prepared.plan.fields
          .map(displayField)
          .join(
            ', ',
          )} changed since the preview; preview the change again before applying it.`,
      );
    }
  }

  /** Runs a step with its audit record: refusals and failures are recorded. */
  private async audited<T>(
    action: 'preview' | 'apply',
    call: ChangeCall,
    step: (prepared: PreparedChange, audit: ChangeAudit) => Promise<T>,
  ): Promise<T> {
    const body = call.body as Partial<ChainChangeRequest> | undefined;
    const audit = await ChangeAudit.start(this.deps.auditor, {
      action,
      credentials: call.credentials,
      request: call.request,
      meta: {
        entityRef: stringifyEntityRef(call.entity),
        cluster: typeof body?.cluster === 'string' ? body.cluster : null,
        change: (body?.change ?? null) as never,
        force: body?.force === true,
      },
    });
    try {
      const prepared = await prepareChange(this.deps, call, audit);
      return await step(prepared, audit);
    } catch (error) {
      const e = error as Error;
      await audit.failed(
        e,
        e.name === 'NotAllowedError' ? 'refused' : 'failed',
      );
      throw error;
    }
  }

  /**
   * The server-side dry run: forcing past the owners known from the
   * object; a conflict with a manager they missed adds it, once.
   */
  private async dryRun(
    prepared: PreparedChange,
  ): Promise<{ object: KubeObject; owners: ChangeFieldOwner[] }> {
    const run = (owners: ChangeFieldOwner[]) =>
      prepared.kube.apply(prepared.config, {
        fieldManager: this.deps.settings.fieldManager,
        force: owners.length > 0,
        dryRun: true,
      });
    const fail = (error: unknown) =>
      callerError(error, prepared.cluster.name, prepared.writeTarget);
    try {
      return { object: await run(prepared.owners), owners: prepared.owners };
    } catch (error) {
      const missed = conflictingManagers(error).filter(
        m => !prepared.owners.some(o => o.manager === m),
      );
      if (missed.length === 0) {
        throw fail(error);
      }
      const owners = [
        ...prepared.owners,
        ...missed.map(m => ownerFromConflict(m, error as ChangeClusterError)),
      ];
      try {
        return { object: await run(owners), owners };
      } catch (retryError) {
        throw fail(retryError);
      }
    }
  }
}
