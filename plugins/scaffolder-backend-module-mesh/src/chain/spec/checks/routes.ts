/*
 * The HTTP routes: paths, rewrites, timeouts and retries.
 */
import { checkDuration, checkPath, checkRegex } from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** The routes. */
export function checkRoutes(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format, range } = problems;
  if (spec.routes.length === 0) {
    add('routes', 'is empty; give at least one route, e.g. [{ path: / }]');
  }
  spec.routes.forEach((route, i) => {
    const at = `routes[${i}]`;
    if (route.match === 'regex') {
      format(`${at}.path`, route.path, checkRegex, '/api/v[0-9]+/.*');
    } else {
      format(`${at}.path`, route.path, checkPath, '/api');
    }
    if (route.rewrite !== undefined) {
      format(`${at}.rewrite`, route.rewrite, checkPath, '/');
      if (route.match === 'regex') {
        add(
          `${at}.rewrite`,
          'a prefix rewrite needs a prefix or exact match; use match prefix, or remove rewrite',
        );
      }
    }
    if (route.timeout !== undefined) {
      format(`${at}.timeout`, route.timeout, checkDuration, '5s');
    }
    const retries =
      typeof route.retries === 'number'
        ? {
            attempts: route.retries,
            perTryTimeout: undefined,
            retryOn: undefined,
          }
        : route.retries;
    if (retries) {
      range(
        typeof route.retries === 'number'
          ? `${at}.retries`
          : `${at}.retries.attempts`,
        retries.attempts,
        0,
        10,
        'attempts',
      );
      if (retries.perTryTimeout !== undefined) {
        format(
          `${at}.retries.perTryTimeout`,
          retries.perTryTimeout,
          checkDuration,
          '2s',
        );
      }
      if (retries.retryOn !== undefined) {
        const known = [
          '5xx',
          'gateway-error',
          'reset',
          'reset-before-request',
          'connect-failure',
          'envoy-ratelimited',
          'retriable-4xx',
          'refused-stream',
          'retriable-status-codes',
          'retriable-headers',
          'http3-post-connect-failure',
          'cancelled',
          'deadline-exceeded',
          'internal',
          'resource-exhausted',
          'unavailable',
        ];
        const unknown = retries.retryOn
          .split(',')
          .map(s => s.trim())
          .filter(s => !known.includes(s) && !/^\d{3}$/.test(s));
        if (unknown.length) {
          add(
            `${at}.retries.retryOn`,
            `'${unknown.join(
              ',',
            )}' is not a retry condition Envoy knows; use e.g. 5xx,connect-failure,reset`,
          );
        }
      }
    }
  });
  spec.routes.forEach((route, i) => {
    const total = route.timeout && toMillis(route.timeout);
    const perTry =
      typeof route.retries === 'object'
        ? route.retries.perTryTimeout
        : undefined;
    const per = perTry && toMillis(perTry);
    if (total && per && per > total) {
      add(
        `routes[${i}].retries.perTryTimeout`,
        `${perTry} is longer than the route timeout ${route.timeout}, so no retry would ever happen; make it shorter`,
      );
    }
  });
}

function toMillis(duration: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(h|m|s|ms)$/.exec(duration);
  if (!m) return undefined;
  return Number(m[1]) * { h: 3600_000, m: 60_000, s: 1000, ms: 1 }[m[2] as 'h'];
}
