/*
 * Whether a change may be applied: other owners that keep the fields (a
 * controller, an autoscaler, a GitOps tool) stop it unless an
 * administrator forces it; fields a person or a one-off tool last wrote
 * are taken over, and the preview says from whom.
 */
import type {
  ChangeDecision,
  ChangeFieldOwner,
} from '@mesh-chain/plugin-mesh-common';

/** The decision for a change with these other owners. */
export function decideChange(options: {
  owners: ChangeFieldOwner[];
  /** The request asks to force. */
  force: boolean;
  /** The caller holds `mesh.chain.update.force`. */
  canForce: boolean;
}): ChangeDecision {
  const { owners, canForce } = options;
  const blockers = owners.filter(o => o.blocks);
  const writers = owners.filter(o => !o.blocks);
  const needsForce = blockers.length > 0;
  const forced = needsForce && options.force && canForce;
  const reasons = blockers.map(
    o => `${o.description} owns ${o.fields.join(', ')}. ${o.consequence}`,
  );
  if (needsForce && !canForce) {
    reasons.push(
      'Only an administrator may apply it anyway (mesh.chain.update.force).',
    );
  } else if (needsForce && !forced) {
    reasons.push(
      'As an administrator you may force it; the other owner will then undo or fight the change as said.',
    );
  }
  for (const o of writers) {
    reasons.push(
      `Takes over ${o.fields.join(', ')} from ${o.manager}${
        o.time
          ? `, which last wrote ${o.fields.length > 1 ? 'them' : 'it'} at ${
              o.time
            }`
          : ''
      }.`,
    );
  }
  return {
    allowed: !needsForce || forced,
    reasons,
    needsForce,
    canForce,
    forced,
  };
}
