/*
 * Routing rules about the routes themselves: their matches and weights.
 */
import { expandHost } from '../../../routing/hosts';
import { re2Problem } from '../../../routing/regex';
import { weightSum } from '../../../routing/weights';
import type { Diagnostic, StringMatch } from '../../../types';
import { refOf } from '../../resolve/objectInfo';
import { diag, DiagnosticRule, listOf, name } from '../DiagnosticRule';
import { routeParts } from '../virtualServiceParts';

function regexesOf(match: any): Array<{ field: string; pattern: string }> {
  const out: Array<{ field: string; pattern: string }> = [];
  const one = (field: string, m: StringMatch | undefined) => {
    if (m && typeof m.regex === 'string')
      out.push({ field: `${field}.regex`, pattern: m.regex });
  };
  one('uri', match?.uri);
  one('method', match?.method);
  one('authority', match?.authority);
  one('scheme', match?.scheme);
  for (const key of ['headers', 'withoutHeaders', 'queryParams']) {
    for (const [k, v] of Object.entries(match?.[key] ?? {})) {
      one(`${key}.${k}`, v as StringMatch);
    }
  }
  return out;
}

function isCatchAll(route: any): boolean {
  const matches = listOf(route?.match);
  if (matches.length === 0) return true;
  return matches.some(m => {
    const keys = Object.keys(m ?? {}).filter(k => k !== 'name');
    if (keys.length === 0) return true;
    return (
      keys.length === 1 &&
      keys[0] === 'uri' &&
      (m.uri?.prefix === '/' || m.uri?.regex === '.*' || m.uri?.regex === '/.*')
    );
  });
}

/**
 * Every regex of a VirtualService route: in its match blocks and its
 * `uriRegexRewrite`, with the field (relative to the route) and how to
 * name it in a message.
 */
function routeRegexesOf(
  route: any,
): Array<{ label: string; field: string; pattern: string }> {
  const out = listOf(route?.match).flatMap((m, j) =>
    regexesOf(m).map(({ field, pattern }) => ({
      label: `match[${j}] ${field}`,
      field: `match[${j}].${field}`,
      pattern,
    })),
  );
  const rewrite = route?.rewrite?.uriRegexRewrite?.match;
  if (typeof rewrite === 'string') {
    out.push({
      label: 'rewrite.uriRegexRewrite.match',
      field: 'rewrite.uriRegexRewrite.match',
      pattern: rewrite,
    });
  }
  return out;
}

/** MESH-1009: a regex in a VirtualService or HTTPRoute match is not RE2. */
export const invalidRouteRegex: DiagnosticRule = {
  code: 'MESH-1009',
  check: ctx => {
    const out: Diagnostic[] = [];
    for (const { ref, protocol, route, i, base } of routeParts(ctx)) {
      for (const { label, field, pattern } of routeRegexesOf(route)) {
        const problem = re2Problem(pattern);
        if (problem) {
          out.push(
            diag(
              'MESH-1009',
              `${name(
                ref,
              )} ${protocol}[${i}] ${label} "${pattern}" is not valid RE2: ${
                problem.error
              }.`,
              [ref],
              { path: `${base}.${field}`, fix: problem.fix },
            ),
          );
        }
      }
    }
    for (const { obj: route } of ctx.httpRoutes) {
      const ref = refOf(route);
      listOf(route.spec?.rules).forEach((rule, i) => {
        listOf(rule?.matches).forEach((m, j) => {
          const patterns: Array<[string, string]> = [];
          if (m?.path?.type === 'RegularExpression')
            patterns.push(['path.value', m.path.value]);
          listOf(m?.headers).forEach((h, k) => {
            if (h?.type === 'RegularExpression')
              patterns.push([`headers[${k}].value`, h.value]);
          });
          for (const [field, pattern] of patterns) {
            const problem = re2Problem(String(pattern));
            if (problem) {
              out.push(
                diag(
                  'MESH-1009',
                  `${name(
                    ref,
                  )} rules[${i}] matches[${j}] ${field} "${pattern}" is not valid RE2: ${
                    problem.error
                  }.`,
                  [ref],
                  {
                    path: `spec.rules[${i}].matches[${j}].${field}`,
                    fix: problem.fix,
                  },
                ),
              );
            }
          }
        });
      });
    }
    return out;
  },
};

/** A match block on the path alone (`prefix` or `exact`), else undefined. */
function pathOnly(
  m: any,
): { kind: 'prefix' | 'exact'; value: string } | undefined {
  const keys = Object.keys(m ?? {}).filter(k => k !== 'name');
  if (keys.length !== 1 || keys[0] !== 'uri') return undefined;
  const uriKeys = Object.keys(m.uri ?? {});
  const kind = uriKeys[0];
  if (
    uriKeys.length !== 1 ||
    (kind !== 'prefix' && kind !== 'exact') ||
    typeof m.uri[kind] !== 'string'
  ) {
    return undefined;
  }
  return { kind, value: m.uri[kind] };
}

/** Whether a path match takes every request another one would. */
function pathCovers(
  a: { kind: 'prefix' | 'exact'; value: string },
  b: { kind: 'prefix' | 'exact'; value: string },
): boolean {
  return a.kind === 'prefix'
    ? b.value.startsWith(a.value)
    : b.kind === 'exact' && a.value === b.value;
}

/**
 * The earlier route whose path matches take every request a route's path
 * matches would (each of its match blocks, on the path alone, is covered),
 * with the covering match.
 */
function shadowingRoute(
  routes: any[],
  i: number,
): { j: number; by: { kind: string; value: string } } | undefined {
  const own = listOf(routes[i]?.match).map(pathOnly);
  if (own.length === 0 || own.some(m => !m)) return undefined;
  for (let j = 0; j < i; j++) {
    const earlier = listOf(routes[j]?.match)
      .map(pathOnly)
      .filter((m): m is NonNullable<typeof m> => Boolean(m));
    const by = earlier.find(e => own.some(m => pathCovers(e, m!)));
    if (by && own.every(m => earlier.some(e => pathCovers(e, m!)))) {
      return { j, by };
    }
  }
  return undefined;
}

/**
 * MESH-1011: an http route that matches everything hides the routes after
 * it; a route whose paths an earlier route's paths take never matches.
 */
export const unreachableRoutes: DiagnosticRule = {
  code: 'MESH-1011',
  check: ctx =>
    routeParts(ctx).flatMap(
      ({ ref, protocol, routes, route, i, base }): Diagnostic[] => {
        if (protocol !== 'http') return [];
        const label = `${name(ref)} http[${i}]${
          route?.name ? ` "${route.name}"` : ''
        }`;
        if (
          i < routes.length - 1 &&
          isCatchAll(route) &&
          !listOf(route?.match).some(m => listOf(m?.gateways).length > 0)
        ) {
          return [
            diag(
              'MESH-1011',
              `${label} matches every request, so the ${
                routes.length - i - 1
              } route(s) after it never match.`,
              [ref],
              {
                path: `${base}.match`,
                fix: `Move http[${i}] to the end of spec.http, or give it match conditions.`,
              },
            ),
          ];
        }
        // A route after a catch-all is reported with the catch-all.
        if (routes.slice(0, i).some(isCatchAll)) return [];
        const shadow = shadowingRoute(routes, i);
        if (!shadow) return [];
        return [
          diag(
            'MESH-1011',
            `${label} never matches: http[${shadow.j}] (${shadow.by.kind} ${shadow.by.value}) takes every request its paths would.`,
            [ref],
            {
              path: `${base}.match`,
              fix: `Move http[${i}] before http[${shadow.j}], or remove one of them.`,
            },
          ),
        ];
      },
    ),
};

/** MESH-1008: the weights of a route's destinations do not add up to 100. */
export const weightsNotHundred: DiagnosticRule = {
  code: 'MESH-1008',
  check: ctx =>
    routeParts(ctx).flatMap(
      ({ ref, protocol, i, base, dests }): Diagnostic[] => {
        if (dests.length <= 1) return [];
        const sum = weightSum(dests.map(rd => rd.weight));
        if (sum === 100) return [];
        return [
          diag(
            'MESH-1008',
            `The weights of ${name(
              ref,
            )} ${protocol}[${i}] add up to ${sum} (${dests
              .map(
                rd =>
                  `${rd.destination.host}${
                    rd.destination.subset ? `/${rd.destination.subset}` : ''
                  }=${rd.weight ?? 0}`,
              )
              .join(', ')}), not 100.`,
            [ref],
            { path: `${base}.route` },
          ),
        ];
      },
    ),
};

/** MESH-1013: a route sends to the same host, subset and port twice. */
export const duplicateDestination: DiagnosticRule = {
  code: 'MESH-1013',
  check: ctx =>
    routeParts(ctx).flatMap(({ ref, ns, protocol, i, base, dests }) => {
      const out: Diagnostic[] = [];
      if (dests.length <= 1) return out;
      const seen = new Map<string, number>();
      dests.forEach((rd, j) => {
        const key = `${expandHost(
          rd.destination.host,
          ns,
          ctx.clusterDomain,
        )}|${rd.destination.subset ?? ''}|${rd.destination.port?.number ?? ''}`;
        const first = seen.get(key);
        if (first !== undefined) {
          out.push(
            diag(
              'MESH-1013',
              `${name(ref)} ${protocol}[${i}] sends to ${rd.destination.host}${
                rd.destination.subset ? ` subset ${rd.destination.subset}` : ''
              } twice (route[${first}] and route[${j}]).`,
              [ref],
              { path: `${base}.route[${j}]` },
            ),
          );
        } else {
          seen.set(key, j);
        }
      });
      return out;
    }),
};

/** MESH-1012: a single destination has a weight other than 100. */
export const singleDestinationWeight: DiagnosticRule = {
  code: 'MESH-1012',
  check: ctx =>
    routeParts(ctx).flatMap(({ ref, protocol, i, base, dests }): Diagnostic[] =>
      dests.length === 1 &&
      dests[0].weight !== undefined &&
      dests[0].weight !== 100
        ? [
            diag(
              'MESH-1012',
              `${name(ref)} ${protocol}[${i}] has one destination with weight ${
                dests[0].weight
              }; it receives 100% of the traffic.`,
              [ref],
              { path: `${base}.route[0].weight` },
            ),
          ]
        : [],
    ),
};
