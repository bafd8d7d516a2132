import { ConfigReader } from '@backstage/config';
import { FakeCatalog } from '../__testUtils__/FakeCatalog';
import { fakeClusters } from '../__testUtils__/clusters';
import { createApplyChainAction } from './applyChain';
import { createRegisterLocalAction } from './registerLocal';
import { createRenderChainAction } from './renderChain';

/** Every property of a JSON schema, with its path, at any depth. */
function properties(schema: any, at = ''): Array<[string, any]> {
  if (!schema || typeof schema !== 'object') return [];
  const own = Object.entries<any>(schema.properties ?? {}).flatMap(
    ([key, value]) => [
      [`${at}.${key}`, value] as [string, any],
      ...properties(value, `${at}.${key}`),
    ],
  );
  const nested = [
    ...(schema.items ? [schema.items] : []),
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.allOf ?? []),
    ...(typeof schema.additionalProperties === 'object'
      ? [schema.additionalProperties]
      : []),
  ].flatMap(s => properties(s, at));
  return [...own, ...nested];
}

describe('action schemas', () => {
  const config = new ConfigReader({});
  const actions = [
    createRenderChainAction(),
    createApplyChainAction({ clusters: fakeClusters(), config }),
    createRegisterLocalAction({ catalog: new FakeCatalog() as any, config }),
  ];

  it.each(actions.map(a => [a.id, a] as const))(
    '%s describes every input and output field',
    (_id, action) => {
      const all = [
        ...properties(action.schema?.input, 'input'),
        ...properties(action.schema?.output, 'output'),
      ];
      expect(all.length).toBeGreaterThan(5);
      const undescribed = all
        .filter(([, s]) => !s.description && !s.$ref)
        .map(([path]) => path);
      expect(undescribed).toEqual([]);
    },
  );

  it('shows every example in the action list', () => {
    for (const action of actions) {
      expect(action.examples?.length).toBeGreaterThan(0);
      expect(action.supportsDryRun).toBe(true);
    }
  });
});
