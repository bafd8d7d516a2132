/*
 * Regular expressions in Istio matches, with RE2 semantics. Envoy matches
 * `safe_regex` with Google RE2 and requires the whole value to match; Istio
 * validates patterns with Go's regexp (the same RE2 syntax) and refuses
 * patterns longer than 1024 characters. This compiles them with re2js, a
 * JavaScript port of that engine, so that matching takes time linear in the
 * input (no backtracking, whatever the pattern) and a pattern is accepted or
 * refused exactly as Istio does. Every side (route simulation, diagnostics,
 * the scaffolder's template checks) compiles through `compileRe2`.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';

/**
 * The longest pattern Istio accepts (its validation refuses longer ones).
 *
 * @public
 */
export const RE2_MAX_PATTERN_LENGTH = 1024;

/**
 * The largest compiled RE2 program (in instructions, Envoy's
 * `max_program_size` measure) that route simulation evaluates. Envoy's own
 * default is 100 and Istio raises it to 32768; a larger program is valid,
 * but matching it against a long value could take a noticeable share of a
 * second, so the simulation reports it as too complex to evaluate instead.
 *
 * @public
 */
export const RE2_MAX_PROGRAM_SIZE = 1000;

/** How many compiled patterns are kept (least recently used go first). */
const CACHE_SIZE = 1000;

const SYNTAX_URL = 'https://github.com/google/re2/wiki/Syntax';

/**
 * A compiled RE2 pattern.
 *
 * @public
 */
export interface Re2Regex {
  /** The pattern as written. */
  readonly pattern: string;
  /** Size of the compiled program, in RE2 instructions. */
  readonly programSize: number;
  /** Whether the whole value matches (Envoy's full match), in linear time. */
  matches(value: string): boolean;
}

/**
 * The result of compiling an RE2 pattern. When it failed, `invalid` tells
 * whether Istio refuses the pattern (true) or it is valid but too complex
 * for the simulation to evaluate (false); `error` says what is wrong and
 * `fix` what to write instead.
 *
 * @public
 */
export type CompiledRegex =
  | { ok: true; regex: Re2Regex }
  | { ok: false; invalid: boolean; error: string; fix: string };

/**
 * Why Istio refuses a pattern, and what to write instead.
 *
 * @public
 */
export interface Re2Problem {
  error: string;
  fix: string;
}

const NO_LOOKAROUND_FIX =
  'RE2 has no lookaround: match the text itself, e.g. foo(?:bar) rather than foo(?=bar), or send the values to exclude to an earlier route.';
const NO_BACKREFERENCE_FIX =
  'RE2 cannot refer back to a group: write out what the group matches again, e.g. (a)a rather than (a)\\1.';

/** Explains a parse error of re2js in terms of what to write instead. */
function explainSyntaxError(e: RE2JSSyntaxException): Re2Problem {
  const input = e.input ?? '';
  if (e.error === 'invalid escape sequence' && /^\\[0-9]/.test(input)) {
    return {
      error: `backreference ${input} is not supported by RE2`,
      fix: NO_BACKREFERENCE_FIX,
    };
  }
  if (e.error === 'invalid escape sequence' && input.startsWith('\\k')) {
    return {
      error: 'named backreference \\k<…> is not supported by RE2',
      fix: NO_BACKREFERENCE_FIX,
    };
  }
  if (input.startsWith('(?=') || input.startsWith('(?!')) {
    return {
      error: `lookahead ${input.slice(0, 3)}…) is not supported by RE2`,
      fix: NO_LOOKAROUND_FIX,
    };
  }
  if (input.startsWith('(?<=') || input.startsWith('(?<!')) {
    return {
      error: `lookbehind ${input.slice(0, 4)}…) is not supported by RE2`,
      fix: NO_LOOKAROUND_FIX,
    };
  }
  if (input.startsWith('(?>')) {
    return {
      error: 'atomic group (?>…) is not supported by RE2',
      fix: 'Write a plain group (?:…) instead: RE2 never backtracks, so it means the same.',
    };
  }
  if (
    e.error === 'invalid nested repetition operator' &&
    /[*+?}]\+$/.test(input)
  ) {
    return {
      error: `possessive quantifier ${input} is not supported by RE2`,
      fix: 'Drop the last +: RE2 never backtracks, so a+ means what a++ means elsewhere.',
    };
  }
  if (e.error === 'invalid repeat count') {
    return {
      error: `repeat count ${input} is not valid in RE2`,
      fix: 'RE2 allows {n,m} with n <= m <= 1000, and nested counts that multiply to at most 1000; use + or * for "any number".',
    };
  }
  return {
    error: input ? `${e.error}: \`${input}\`` : e.error,
    fix: `Rewrite the pattern in RE2 syntax (${SYNTAX_URL}).`,
  };
}

function refuse(refusal: Re2Problem): CompiledRegex {
  return { ok: false, invalid: true, ...refusal };
}

function compileUncached(pattern: string): CompiledRegex {
  if (pattern === '') {
    return refuse({
      error: 'the regex is empty, which Istio refuses',
      fix: 'Write a pattern, e.g. .* for any value, or remove the match.',
    });
  }
  if (pattern.length > RE2_MAX_PATTERN_LENGTH) {
    return refuse({
      error: `the regex is ${pattern.length} characters long; Istio accepts at most ${RE2_MAX_PATTERN_LENGTH}`,
      fix: 'Shorten it, e.g. by splitting alternatives across several match blocks.',
    });
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (e) {
    if (e instanceof RE2JSSyntaxException) {
      return refuse(explainSyntaxError(e));
    }
    return refuse({
      error: (e as Error).message,
      fix: `Rewrite the pattern in RE2 syntax (${SYNTAX_URL}).`,
    });
  }
  const programSize = compiled.programSize();
  if (programSize > RE2_MAX_PROGRAM_SIZE) {
    return {
      ok: false,
      invalid: false,
      error: `the regex compiles to ${programSize} RE2 instructions, more than the ${RE2_MAX_PROGRAM_SIZE} the simulation evaluates`,
      fix: 'Simplify it to have it simulated: large {n} counts and long alternations make big programs.',
    };
  }
  return {
    ok: true,
    regex: {
      pattern,
      programSize,
      matches: value => compiled.testExact(value),
    },
  };
}

const cache = new Map<string, CompiledRegex>();

/**
 * Compiles an RE2 pattern as Istio uses it: the whole value must match, and
 * matching takes time linear in the value. Results are kept in a bounded
 * cache.
 *
 * @public
 */
export function compileRe2(pattern: string): CompiledRegex {
  const hit = cache.get(pattern);
  if (hit) {
    // Re-insert so that the least recently used entry is the first.
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  const result = compileUncached(pattern);
  if (cache.size >= CACHE_SIZE) {
    cache.delete(cache.keys().next().value as string);
  }
  cache.set(pattern, result);
  return result;
}

/**
 * Why Istio refuses an RE2 pattern, with what to write instead, or
 * undefined when it is valid (including valid patterns too complex for the
 * simulation to evaluate).
 *
 * @public
 */
export function re2Problem(pattern: string): Re2Problem | undefined {
  const r = compileRe2(pattern);
  return r.ok || !r.invalid ? undefined : { error: r.error, fix: r.fix };
}

/**
 * The reason Istio refuses an RE2 pattern, or undefined when it is valid.
 *
 * @public
 */
export function re2Error(pattern: string): string | undefined {
  return re2Problem(pattern)?.error;
}
