/*
 * Istio HTTP match semantics (VirtualService HTTPMatchRequest and Gateway
 * API HTTPRouteMatch as Istio translates it): match blocks are ORed, the
 * conditions inside a block are ANDed, and the first route that matches wins.
 */
import type { RouteInfo, RouteMatch, StringMatch } from '../types';
import { normalizeGatewayRef, splitAuthority } from './hosts';
import { compileRe2 } from './regex';

/** A request as the proxy sees it, for matching. @public */
export interface RequestFacts {
  method: string;
  scheme: 'http' | 'https';
  /** Host without port, lower case. */
  host: string;
  /** The port the request was sent to (default 80/443 from the scheme). */
  port: number;
  /** `:authority` as sent: host, plus `:port` when not the default. */
  authority: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters; a repeated parameter keeps its first value. */
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

/**
 * Parses an absolute URL, method and headers into {@link RequestFacts}.
 * A `host` header overrides the URL's host, as it does for a real client.
 * Throws on a URL that is not absolute http(s).
 *
 * @public
 */
export function parseRequest(request: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
}): RequestFacts {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw new Error(`Not an absolute URL: ${request.url}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw new Error(`Only http and https URLs can be simulated, not ${scheme}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(request.headers ?? {})) {
    headers[k.toLocaleLowerCase('en-US')] = String(v);
  }
  const defaultPort = scheme === 'https' ? 443 : 80;
  let host = url.hostname.toLocaleLowerCase('en-US');
  let port = url.port ? Number(url.port) : defaultPort;
  let authority = url.host.toLocaleLowerCase('en-US');
  if (headers.host) {
    const a = splitAuthority(headers.host);
    host = a.host;
    authority = headers.host.toLocaleLowerCase('en-US');
    if (a.port && !url.port) {
      port = a.port;
    }
  }
  headers.host = authority;
  const query: Record<string, string> = {};
  url.searchParams.forEach((value, key) => {
    if (!(key in query)) {
      query[key] = value;
    }
  });
  // As Envoy normalizes paths: dot segments resolved (the URL parser does
  // that), percent-encoded unreserved characters decoded, others kept.
  const path =
    url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (m, hex: string) => {
      const c = String.fromCharCode(parseInt(hex, 16));
      return /[A-Za-z0-9\-._~]/.test(c) ? c : m.toUpperCase();
    }) || '/';
  return {
    method: (request.method ?? 'GET').toUpperCase(),
    scheme,
    host,
    port,
    authority,
    path,
    query,
    headers,
  };
}

/** Describes a StringMatch for messages, e.g. `prefix "/api"`. @public */
export function describeStringMatch(m: StringMatch | undefined): string {
  if (!m) {
    return 'anything';
  }
  if (m.exact !== undefined) {
    return `exact "${m.exact}"`;
  }
  if (m.prefix !== undefined) {
    return `prefix "${m.prefix}"`;
  }
  if (m.regex !== undefined) {
    return `regex "${m.regex}"`;
  }
  return 'present';
}

/**
 * Whether a value satisfies a StringMatch. An empty match (`{}`) only
 * requires the value to be present. Regexes must match the whole value (RE2
 * full match, in time linear in the value); an invalid regex matches
 * nothing, as the proxy rejects it, and neither does one too complex to
 * evaluate (see `RE2_MAX_PROGRAM_SIZE`).
 *
 * @public
 */
export function matchString(
  m: StringMatch | undefined,
  value: string | undefined,
  options: { ignoreCase?: boolean } = {},
): boolean {
  if (!m) {
    return true;
  }
  if (value === undefined) {
    return false;
  }
  const fold = (s: string) =>
    options.ignoreCase ? s.toLocaleLowerCase('en-US') : s;
  if (m.exact !== undefined) {
    return fold(value) === fold(m.exact);
  }
  if (m.prefix !== undefined) {
    return fold(value).startsWith(fold(m.prefix));
  }
  if (m.regex !== undefined) {
    const r = compileRe2(m.regex);
    return r.ok && r.regex.matches(value);
  }
  return true;
}

/**
 * Describes a StringMatch for a failed condition: a regex that cannot match
 * anything here says why.
 */
function describeExpectation(m: StringMatch | undefined): string {
  const described = describeStringMatch(m);
  if (m?.regex === undefined) {
    return described;
  }
  const r = compileRe2(m.regex);
  if (r.ok) {
    return described;
  }
  return r.invalid
    ? `${described}, which is not valid RE2 (${r.error}), so the proxy refuses the route`
    : `${described}, which was not evaluated (${r.error})`;
}

/** Where a request is being matched. @public */
export interface MatchContext {
  /** `namespace/name` of the gateway the request came through, or `mesh`. */
  gateway: string;
  /** Namespace of the calling workload, for `sourceNamespace` (mesh only). */
  sourceNamespace?: string;
}

/** The outcome of matching one match block. @public */
export interface MatchOutcome {
  matched: boolean;
  /** Why it did not match, one entry per failed condition. */
  failures: string[];
}

function pathMatches(match: RouteMatch, path: string): boolean {
  const uri = match.uri;
  if (!uri) {
    return true;
  }
  const ignoreCase = match.ignoreUriCase && uri.regex === undefined;
  if (match.pathSeparatedPrefix && uri.prefix !== undefined) {
    const prefix = uri.prefix.replace(/\/+$/, '');
    const p = ignoreCase ? path.toLocaleLowerCase('en-US') : path;
    const q = ignoreCase ? prefix.toLocaleLowerCase('en-US') : prefix;
    return q === '' || p === q || p.startsWith(`${q}/`);
  }
  return matchString(uri, path, { ignoreCase });
}

/**
 * Evaluates one match block against a request: every condition must hold.
 * `routeGateways` are the gateways the route applies to (already in
 * `namespace/name` form); a block's own `gateways` override them.
 *
 * @public
 */
export function evaluateMatch(
  match: RouteMatch,
  req: RequestFacts,
  ctx: MatchContext,
  routeNamespace: string,
): MatchOutcome {
  const failures: string[] = [];
  if (!pathMatches(match, req.path)) {
    failures.push(
      `path "${req.path}" does not match ${describeExpectation(match.uri)}${
        match.ignoreUriCase ? ' (case-insensitive)' : ''
      }${match.pathSeparatedPrefix ? ' (whole path segments)' : ''}`,
    );
  }
  if (!matchString(match.method, req.method)) {
    failures.push(
      `method ${req.method} does not match ${describeExpectation(
        match.method,
      )}`,
    );
  }
  if (!matchString(match.authority, req.authority)) {
    failures.push(
      `authority "${req.authority}" does not match ${describeExpectation(
        match.authority,
      )}`,
    );
  }
  if (!matchString(match.scheme, req.scheme)) {
    failures.push(
      `scheme ${req.scheme} does not match ${describeExpectation(
        match.scheme,
      )}`,
    );
  }
  if (match.port !== undefined && match.port !== req.port) {
    failures.push(`port ${req.port} is not ${match.port}`);
  }
  for (const [name, m] of Object.entries(match.headers ?? {})) {
    const key = name.toLocaleLowerCase('en-US');
    const value = req.headers[key];
    if (!matchString(m, value)) {
      failures.push(
        value === undefined
          ? `header ${key} is missing (needs ${describeExpectation(m)})`
          : `header ${key}: "${value}" does not match ${describeExpectation(
              m,
            )}`,
      );
    }
  }
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {})) {
    const key = name.toLocaleLowerCase('en-US');
    const value = req.headers[key];
    if (value !== undefined && matchString(m, value)) {
      failures.push(
        `header ${key}: "${value}" matches ${describeExpectation(
          m,
        )}, which withoutHeaders excludes`,
      );
    }
  }
  for (const [name, m] of Object.entries(match.queryParams ?? {})) {
    const value = req.query[name];
    if (!matchString(m, value)) {
      failures.push(
        value === undefined
          ? `query parameter ${name} is missing`
          : `query parameter ${name}: "${value}" does not match ${describeExpectation(
              m,
            )}`,
      );
    }
  }
  if (match.gateways && match.gateways.length > 0) {
    const gws = match.gateways.map(g => normalizeGatewayRef(g, routeNamespace));
    if (!gws.includes(ctx.gateway)) {
      failures.push(
        `the match only applies to ${gws.join(', ')}, not ${ctx.gateway}`,
      );
    }
  }
  if (match.sourceNamespace !== undefined) {
    if (ctx.gateway !== 'mesh') {
      failures.push('sourceNamespace only applies to sidecars (mesh)');
    } else if (ctx.sourceNamespace !== match.sourceNamespace) {
      failures.push(
        `source namespace ${ctx.sourceNamespace ?? '(unknown)'} is not ${
          match.sourceNamespace
        }`,
      );
    }
  }
  if (match.sourceLabels && Object.keys(match.sourceLabels).length > 0) {
    failures.push(
      ctx.gateway === 'mesh'
        ? `the match needs a caller labelled ${Object.entries(
            match.sourceLabels,
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}, which a simulated request does not have`
        : 'sourceLabels only applies to sidecars (mesh)',
    );
  }
  return { matched: failures.length === 0, failures };
}

/** Why one route did or did not match. @public */
export interface RouteEvaluation {
  route: RouteInfo;
  matched: boolean;
  /** Index of the first match block that matched. */
  matchIndex?: number;
  /** Failures of each match block (empty when it matched). */
  failures: string[][];
}

/**
 * Evaluates HTTP routes in order and stops at the first that matches (first
 * match wins). Returns every evaluation up to and including the winner.
 *
 * @public
 */
export function findMatchingHttpRoute(
  routes: RouteInfo[],
  req: RequestFacts,
  ctx: MatchContext,
): { winner?: RouteEvaluation; evaluated: RouteEvaluation[] } {
  const evaluated: RouteEvaluation[] = [];
  for (const route of routes) {
    const ns = route.source.namespace ?? '';
    const blocks = route.match.length > 0 ? route.match : [{}];
    const failures: string[][] = [];
    let matchIndex: number | undefined;
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      const effective: RouteMatch =
        block.gateways && block.gateways.length > 0
          ? block
          : { ...block, gateways: route.gateways };
      const outcome = evaluateMatch(effective, req, ctx, ns);
      failures.push(outcome.failures);
      if (outcome.matched) {
        matchIndex = i;
        break;
      }
    }
    const evaluation: RouteEvaluation = {
      route,
      matched: matchIndex !== undefined,
      ...(matchIndex !== undefined && route.match.length > 0 && { matchIndex }),
      failures,
    };
    evaluated.push(evaluation);
    if (evaluation.matched) {
      return { winner: evaluation, evaluated };
    }
  }
  return { evaluated };
}
