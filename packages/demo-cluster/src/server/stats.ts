/** Request counters of a demo cluster. @public */
export interface DemoClusterStats {
  /** Every HTTP request except health checks (`/healthz`, `/readyz`, `/livez`). */
  total: number;
  /** By verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, `discovery`, `openapi`. */
  byVerb: Record<string, number>;
  /** By resource (`deployments.apps`, `pods`, `virtualservices.networking.istio.io`). */
  byResource: Record<string, number>;
  /** By verb and resource: `list deployments.apps`, `watch pods`, `discovery /apis`. */
  requests: Record<string, number>;
  /** Requests answered with an error status (4xx/5xx), by status code. */
  errors: Record<string, number>;
  /** Watches open right now. */
  activeWatches: number;
  /** Watch events written to clients (bookmarks included). */
  watchEventsSent: number;
  /** When the counters were last reset (ISO 8601). */
  since: string;
}

export class StatsRecorder {
  private s: DemoClusterStats = StatsRecorder.empty();
  activeWatches = 0;

  private static empty(): DemoClusterStats {
    return {
      total: 0,
      byVerb: {},
      byResource: {},
      requests: {},
      errors: {},
      activeWatches: 0,
      watchEventsSent: 0,
      since: new Date().toISOString(),
    };
  }

  request(verb: string, resource: string) {
    this.s.total++;
    this.s.byVerb[verb] = (this.s.byVerb[verb] ?? 0) + 1;
    this.s.byResource[resource] = (this.s.byResource[resource] ?? 0) + 1;
    const key = `${verb} ${resource}`;
    this.s.requests[key] = (this.s.requests[key] ?? 0) + 1;
  }

  error(code: number) {
    this.s.errors[code] = (this.s.errors[code] ?? 0) + 1;
  }

  watchEvent(n = 1) {
    this.s.watchEventsSent += n;
  }

  snapshot(): DemoClusterStats {
    return JSON.parse(
      JSON.stringify({ ...this.s, activeWatches: this.activeWatches }),
    );
  }

  reset() {
    this.s = StatsRecorder.empty();
  }
}
