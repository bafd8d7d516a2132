import fs from 'fs';
import path from 'path';
import {
  getDiagnosticDefinition,
  MESH_DIAGNOSTICS,
  renderDiagnosticsMarkdown,
} from './diagnostics';

const DOC = path.resolve(__dirname, '../../../docs/diagnostics.md');

describe('the diagnostic catalogue', () => {
  it('has unique, well-formed codes with a meaning and a fix', () => {
    const codes = MESH_DIAGNOSTICS.map(d => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const d of MESH_DIAGNOSTICS) {
      expect(d.code).toMatch(/^MESH-\d{4}$/);
      expect(d.meaning.length).toBeGreaterThan(40);
      expect(d.fix.length).toBeGreaterThan(10);
      expect(getDiagnosticDefinition(d.code)).toBe(d);
    }
  });

  it('rejects unknown codes', () => {
    expect(() => getDiagnosticDefinition('MESH-9999')).toThrow(/Unknown/);
  });

  // The checks of istioctl analyze and Kiali this product promises to cover.
  it.each([
    [
      'istioctl',
      [
        'IST0101',
        'IST0112',
        'IST0118',
        'IST0132',
        'IST0145',
        'IST0162',
        'IST0173',
        'IST0174',
      ],
    ],
    [
      'kiali',
      [
        'KIA0202',
        'KIA0203',
        'KIA0302',
        'KIA0601',
        'KIA0701',
        'KIA1101',
        'KIA1102',
        'KIA1106',
        'KIA1107',
      ],
    ],
  ] as const)('covers the %s checks', (tool, required) => {
    const covered = new Set(MESH_DIAGNOSTICS.flatMap(d => d[tool] ?? []));
    expect(required.filter(c => !covered.has(c))).toEqual([]);
  });

  it('is documented in docs/diagnostics.md (UPDATE_DOCS=1 regenerates it)', () => {
    const expected = renderDiagnosticsMarkdown();
    if (process.env.UPDATE_DOCS === '1') {
      fs.writeFileSync(DOC, expected);
    }
    expect(fs.readFileSync(DOC, 'utf8')).toBe(expected);
    for (const d of MESH_DIAGNOSTICS) {
      expect(expected).toContain(`### ${d.code}`);
    }
  });
});
