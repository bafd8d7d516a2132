import {
  compileRe2,
  re2Error,
  re2Problem,
  RE2_MAX_PATTERN_LENGTH,
  RE2_MAX_PROGRAM_SIZE,
} from './regex';

function fullMatch(pattern: string, value: string): boolean {
  const r = compileRe2(pattern);
  if (!r.ok) {
    throw new Error(`${pattern} did not compile: ${r.error}`);
  }
  return r.regex.matches(value);
}

describe('compileRe2', () => {
  it.each([
    ['(?i)^/API', '/api', true],
    ['(?i)^/API', '/apix', false],
    ['(?P<id>\\d+)', '42', true],
    ['(?P<id>\\d+)', '42a', false],
    ['(?<id>\\d+)', '7', true],
    ['(?s)a.b', 'a\nb', true],
    ['a.b', 'a\nb', false],
    ['\\pL+', 'héllo', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['[[:alpha:]]+', 'abc', true],
    ['[[:^digit:]]+', 'abc', true],
    ['[[:^digit:]]+', 'a1', false],
    ['\\Aab\\z', 'ab', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['(?U)a+', 'aaa', true],
    // The whole value must match, as Envoy's safe_regex requires.
    ['/api/v[0-9]+', '/api/v2/extra', false],
  ])('%s on %j: %s', (pattern, value, expected) => {
    expect(fullMatch(pattern, value)).toBe(expected);
  });

  it.each([
    ['(a)\\1', /backreference \\1 is not supported by RE2/, /write out what/],
    ['(?P<x>a)\\k<x>', /named backreference/, /write out what/],
    ['(?=x)', /lookahead \(\?=…\) is not supported by RE2/, /foo\(\?:bar\)/],
    ['foo(?!bar)', /lookahead \(\?!…\)/, /no lookaround/],
    ['(?<=x)y', /lookbehind \(\?<=…\)/, /no lookaround/],
    ['(?<!x)y', /lookbehind \(\?<!…\)/, /no lookaround/],
    ['(?>a+)b', /atomic group/, /plain group \(\?:…\)/],
    ['a++', /possessive quantifier \+\+/, /Drop the last \+/],
    ['[0-9]{2}+', /possessive quantifier \{2\}\+/, /Drop the last \+/],
    ['a{1001}', /repeat count \{1001\} is not valid/, /m <= 1000/],
    ['a{2,1}', /repeat count \{2,1\} is not valid/, /n <= m/],
    ['[a-', /missing closing \]/, /RE2 syntax/],
    ['(unclosed', /missing closing \)/, /RE2 syntax/],
    ['', /empty/, /\.\*/],
    [
      'a'.repeat(RE2_MAX_PATTERN_LENGTH + 1),
      /1025 characters long; Istio accepts at most 1024/,
      /Shorten/,
    ],
  ])(
    'refuses %s with the reason and what to write instead',
    (pattern, error, fix) => {
      const r = compileRe2(pattern);
      expect(r).toMatchObject({ ok: false, invalid: true });
      expect(re2Error(pattern)).toMatch(error);
      expect(re2Problem(pattern)?.fix).toMatch(fix);
    },
  );

  it('accepts a valid pattern too complex to simulate, but does not evaluate it', () => {
    const r = compileRe2('.{1000}');
    expect(r).toMatchObject({ ok: false, invalid: false });
    expect(!r.ok && r.error).toContain(`more than the ${RE2_MAX_PROGRAM_SIZE}`);
    expect(re2Error('.{1000}')).toBeUndefined();
  });

  it('answers a pattern that makes backtracking engines take exponential time', () => {
    // JavaScript's RegExp takes exponential time on this pattern when the
    // value almost matches: a backtracking engine would not finish here.
    const pattern = '/api/(\\w+/?)+';
    const segments = 'a'.repeat(10_000 - '/api/!'.length);
    expect(fullMatch(pattern, `/api/${segments}`)).toBe(true);
    expect(fullMatch(pattern, `/api/${segments}!`)).toBe(false);
    expect(`/api/${segments}!`).toHaveLength(10_000);
  });

  it('keeps a bounded number of compiled patterns', () => {
    const first = compileRe2('/kept');
    expect(compileRe2('/kept')).toBe(first);
    for (let i = 0; i < 1000; i++) {
      compileRe2(`/other/${i}`);
    }
    expect(compileRe2('/kept')).not.toBe(first);
  });
});
