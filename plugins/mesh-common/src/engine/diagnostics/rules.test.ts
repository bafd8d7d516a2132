import { MESH_DIAGNOSTICS } from '../../diagnostics';
import {
  hasRuleCase,
  loadRuleCase,
  ruleCaseCodes,
} from '../__testUtils__/ruleCases';
import { resolveClusterChain } from '../resolve/resolveClusterChain';
import { MemorySnapshot } from '../snapshot/MemorySnapshot';
import { DIAGNOSTIC_RULES } from './rules';

/*
 * The rule table against the catalogue, and each rule against its two
 * fixtures: `fires.yaml` (the mistake the code describes) must report the
 * code, `quiet.yaml` (a near miss, or the mistake fixed) must not.
 */

const catalogue = MESH_DIAGNOSTICS.map(d => d.code);
const rules = DIAGNOSTIC_RULES.map(r => r.code);

function diagnosticsOf(code: string, variant: 'fires' | 'quiet') {
  const c = loadRuleCase(code, variant);
  const chain = resolveClusterChain(
    MemorySnapshot.fromObjects(c.objects, { clusterName: 'dev' }),
    {
      labelSelector: c.selector,
      ...(c.namespace && { namespace: c.namespace }),
    },
    {
      clusterDomain: 'cluster.local',
      ...(c.telemetry && { telemetry: c.telemetry }),
    },
  );
  return { case: c, diagnostics: chain.diagnostics };
}

describe('the rule table', () => {
  it('has a rule for every catalogue code', () => {
    expect(catalogue.filter(code => !rules.includes(code))).toEqual([]);
  });

  it('has a catalogue entry for every rule, and one rule per code', () => {
    expect(rules.filter(code => !catalogue.includes(code))).toEqual([]);
    expect(new Set(rules).size).toBe(rules.length);
  });

  it('has a fixture that fires and one that stays quiet for every rule', () => {
    const missing = rules.flatMap(code =>
      (['fires', 'quiet'] as const)
        .filter(v => !hasRuleCase(code, v))
        .map(v => `${code}/${v}.yaml`),
    );
    expect(missing).toEqual([]);
    expect(ruleCaseCodes().filter(code => !rules.includes(code))).toEqual([]);
  });
});

describe.each(rules.filter(code => hasRuleCase(code, 'fires')))('%s', code => {
  it('fires on its fixture', () => {
    const { case: c, diagnostics } = diagnosticsOf(code, 'fires');
    const mine = diagnostics.filter(d => d.code === code);
    expect(mine.length).toBeGreaterThan(0);
    // Every fires.yaml says which text one of the messages contains.
    expect(c.message).toEqual(expect.any(String));
    expect(mine.map(d => d.message).join('\n')).toContain(c.message);
    for (const d of mine) {
      expect(d.resources.length).toBeGreaterThan(0);
      expect(d.fix).toMatch(/\S/);
    }
  });

  it('stays quiet on its near miss', () => {
    const { diagnostics } = diagnosticsOf(code, 'quiet');
    expect(diagnostics.filter(d => d.code === code)).toEqual([]);
  });
});
