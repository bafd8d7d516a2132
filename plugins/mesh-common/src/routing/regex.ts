/*
 * Istio (Envoy `safe_regex`) matches with Google RE2 and requires the whole
 * value to match. This translates the RE2 syntax people write into an
 * anchored JavaScript RegExp, and rejects what RE2 rejects (backreferences,
 * lookaround, possessive quantifiers, atomic groups) so a pattern that works
 * here also loads in the proxy.
 */

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * The result of compiling an RE2 pattern. `unsupported` marks valid RE2
 * that this translation cannot evaluate (Unicode classes, negated POSIX
 * classes, `(?U)`): not an error in the configuration.
 *
 * @public
 */
export type CompiledRegex =
  | { ok: true; regex: RegExp }
  | { ok: false; error: string; unsupported?: boolean };

class Unsupported extends Error {}

const cache = new Map<string, CompiledRegex>();

function translate(pattern: string): { source: string; flags: string } {
  let p = pattern;
  let flags = '';
  // Leading flag group: (?i), (?s), (?is)...
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'U') {
        throw new Unsupported('the (?U) flag (ungreedy) is not supported here');
      }
      if (!flags.includes(f)) {
        flags += f;
      }
    }
    p = p.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) {
        throw new Error('trailing backslash');
      }
      if (/[1-9]/.test(n) && !inClass) {
        throw new Error(`backreference \\${n} is not supported by RE2`);
      }
      if (n === 'k' && p[i + 2] === '<') {
        throw new Error('named backreferences are not supported by RE2');
      }
      if (n === 'z') {
        out += '$(?![\\s\\S])';
        i++;
        continue;
      }
      if (n === 'A') {
        out += '^';
        i++;
        continue;
      }
      if (n === 'p' || n === 'P') {
        throw new Unsupported('Unicode classes (\\p) are not supported here');
      }
      if (n === 'C') {
        throw new Error('\\C is not supported');
      }
      if (n === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const literal = p.slice(i + 2, end < 0 ? p.length : end);
        out += literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i + 2);
        if (end > 0) {
          const name = p.slice(i + 2, end);
          if (name.startsWith('^')) {
            throw new Unsupported(
              'negated POSIX classes are not supported here',
            );
          }
          const cls = POSIX_CLASSES[name];
          if (!cls) {
            throw new Error(`unknown POSIX class [:${name}:]`);
          }
          out += cls;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') {
        inClass = false;
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (p[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      const rest = p.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) {
        throw new Error('lookaround assertions are not supported by RE2');
      }
      if (rest.startsWith('>')) {
        throw new Error('atomic groups are not supported by RE2');
      }
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^[imsU-]+[:)]/.test(rest)) {
        throw new Error('inline flags are only supported at the start');
      }
    }
    if (
      (c === '+' || c === '*' || c === '?' || c === '}') &&
      p[i + 1] === '+'
    ) {
      throw new Error('possessive quantifiers are not supported by RE2');
    }
    out += c;
  }
  if (inClass) {
    throw new Error('missing closing ]');
  }
  return { source: out, flags };
}

/**
 * Compiles an RE2 pattern as Istio uses it: the whole value must match.
 * Results are cached.
 *
 * @public
 */
export function compileRe2(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) {
    return hit;
  }
  let result: CompiledRegex;
  try {
    const { source, flags } = translate(pattern);
    result = { ok: true, regex: new RegExp(`^(?:${source})$`, flags) };
  } catch (e) {
    const message = (e as Error).message.replace(
      /^Invalid regular expression: /,
      '',
    );
    result = {
      ok: false,
      error: message,
      ...(e instanceof Unsupported && { unsupported: true }),
    };
  }
  if (cache.size > 5000) {
    cache.clear();
  }
  cache.set(pattern, result);
  return result;
}

/**
 * The error in an RE2 pattern, or undefined when it is valid (or valid RE2
 * that this translation cannot evaluate).
 *
 * @public
 */
export function re2Error(pattern: string): string | undefined {
  const r = compileRe2(pattern);
  return r.ok || r.unsupported ? undefined : r.error;
}
