import type { ChangeFieldOwner } from '@mesh-chain/plugin-mesh-common';
import { decideChange } from './changeDecision';

const owner = (o: Partial<ChangeFieldOwner>): ChangeFieldOwner => ({
  manager: 'kubectl',
  role: 'writer',
  description: 'kubectl',
  consequence: 'it is taken over',
  fields: ['spec.http'],
  blocks: false,
  ...o,
});

const flagger = owner({
  manager: 'flagger',
  role: 'controller',
  description: 'Flagger',
  consequence: 'Flagger puts its weights back.',
  blocks: true,
});

describe('decideChange', () => {
  it('allows taking over from one-off writers, saying from whom', () => {
    expect(
      decideChange({
        owners: [owner({ time: '2026-03-01T10:00:00Z' })],
        force: false,
        canForce: false,
      }),
    ).toEqual({
      allowed: true,
      needsForce: false,
      canForce: false,
      forced: false,
      reasons: [
        'Takes over spec.http from kubectl, which last wrote it at 2026-03-01T10:00:00Z.',
      ],
    });
  });

  it('stops a change another owner keeps, unless an administrator forces it', () => {
    expect(
      decideChange({ owners: [flagger], force: true, canForce: false }),
    ).toMatchObject({
      allowed: false,
      needsForce: true,
      reasons: [
        'Flagger owns spec.http. Flagger puts its weights back.',
        'Only an administrator may apply it anyway (mesh.chain.update.force).',
      ],
    });
    expect(
      decideChange({ owners: [flagger], force: false, canForce: true }),
    ).toMatchObject({ allowed: false, canForce: true });
    expect(
      decideChange({ owners: [flagger], force: true, canForce: true }),
    ).toMatchObject({ allowed: true, forced: true });
  });
});
