/*
 * The traffic figures of every followed chain: one ClusterTelemetry per
 * cluster with a Prometheus, the figures of each chain filtered in memory
 * from its cluster's last refresh, and the rule that decides when new
 * figures are worth a live update (noise.ts). A page view never queries.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ChainTelemetry,
  chainTraffic,
  ClusterChain,
  diagnoseTraffic,
  MeshEntityTarget,
} from '@mesh-chain/plugin-mesh-common';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import { ClusterTelemetry } from './ClusterTelemetry';
import { telemetryChange } from './noise';
import { prometheusFor, TelemetrySettings } from './settings';

/** A chain someone looks at, and what its pages were last shown. */
interface View {
  cluster: string;
  chain: ClusterChain;
  lastSeen: number;
  computed?: {
    revision: number;
    chain: ClusterChain;
    telemetry: ChainTelemetry;
  };
  shown?: ChainTelemetry;
  shownAt: number;
  /** Changes when what pages should show changes beyond noise. */
  revision: number;
}

function targetKey(target: MeshEntityTarget): string {
  return `${target.namespace ?? '*'}|${target.labelSelector}`;
}

/** Most chains followed at once (the least recently viewed go first). */
const MAX_VIEWS = 10_000;

export class TelemetryService {
  private readonly clusters = new Map<string, ClusterTelemetry>();
  private readonly views = new Map<string, View>();
  private readonly listeners = new Set<(cluster: string) => void>();

  constructor(
    readonly settings: TelemetrySettings,
    private readonly interestWindowMs: number,
    private readonly logger: LoggerService,
  ) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** Calls `listener(cluster)` when a followed chain's figures changed beyond noise. */
  onChange(listener: (cluster: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cluster's telemetry, or undefined when it has no Prometheus. */
  clusterTelemetry(cluster: MeshCluster): ClusterTelemetry | undefined {
    if (!this.enabled) return undefined;
    const target = prometheusFor(this.settings, cluster);
    const existing = this.clusters.get(cluster.name);
    if (!target) {
      existing?.stop();
      this.clusters.delete(cluster.name);
      return undefined;
    }
    if (
      existing &&
      JSON.stringify(existing.target) === JSON.stringify(target)
    ) {
      return existing;
    }
    existing?.stop();
    const created = new ClusterTelemetry(
      cluster.name,
      target,
      this.settings,
      this.interestWindowMs,
      name => this.refreshed(name),
      message => this.logger.warn(message),
    );
    this.clusters.set(cluster.name, created);
    return created;
  }

  /** Prometheus queries sent so far, all clusters together. */
  queriesSent(): number {
    return [...this.clusters.values()].reduce(
      (n, c) => n + c.client.queries,
      0,
    );
  }

  /**
   * The telemetry of one cluster's part of a chain answer, and what the
   * page's revision hashes (it changes only beyond noise).
   */
  forChain(
    cluster: MeshCluster,
    target: MeshEntityTarget,
    chain: ClusterChain,
  ): { telemetry?: ChainTelemetry; hash?: string } {
    if (chain.error || chain.status?.state === 'syncing') return {};
    const ct = this.clusterTelemetry(cluster);
    if (!ct) return {};
    const now = Date.now();
    ct.interested(now);
    const key = `${cluster.name}\u0000${targetKey(target)}`;
    let view = this.views.get(key);
    if (!view) {
      view = {
        cluster: cluster.name,
        chain,
        lastSeen: now,
        shownAt: 0,
        revision: 0,
      };
    }
    this.views.delete(key);
    this.views.set(key, view);
    while (this.views.size > MAX_VIEWS) {
      this.views.delete(this.views.keys().next().value!);
    }
    view.chain = chain;
    view.lastSeen = now;
    const telemetry = this.compute(ct, view);
    this.publish(view, telemetry, now);
    return { telemetry, hash: String(view.revision) };
  }

  /** The revision part of a followed chain's hash (live updates). */
  hashFor(cluster: string, target: MeshEntityTarget): string | undefined {
    const view = this.views.get(`${cluster}\u0000${targetKey(target)}`);
    return view ? String(view.revision) : undefined;
  }

  stop() {
    for (const c of this.clusters.values()) c.stop();
  }

  private compute(ct: ClusterTelemetry, view: View): ChainTelemetry {
    const { state } = ct;
    if (
      view.computed &&
      view.computed.revision === state.revision &&
      view.computed.chain === view.chain
    ) {
      return view.computed.telemetry;
    }
    const empty = {
      windowSeconds: this.settings.rateWindowSeconds,
      tolerances: this.settings.tolerances,
      routes: [],
      unrouted: [],
      autoscalers: [],
      health: {},
      diagnostics: [],
    };
    let telemetry: ChainTelemetry;
    if (state.error) {
      telemetry = {
        ...empty,
        state: 'error',
        message: `The Prometheus of cluster '${ct.cluster}' could not be asked: ${state.error}`,
      };
    } else if (!state.samples) {
      telemetry = { ...empty, state: 'loading' };
    } else {
      telemetry = chainTraffic(
        view.chain,
        state.samples,
        this.settings.tolerances,
      );
      telemetry.diagnostics = diagnoseTraffic(view.chain, telemetry);
    }
    view.computed = { revision: state.revision, chain: view.chain, telemetry };
    return telemetry;
  }

  /** Takes new figures as what pages show, when they differ beyond noise. */
  private publish(view: View, telemetry: ChainTelemetry, now: number): boolean {
    if (!view.shown) {
      view.shown = telemetry;
      view.shownAt = now;
      view.revision++;
      return true;
    }
    const change = telemetryChange(view.shown, telemetry);
    if (
      change === 'health' ||
      (change === 'figures' &&
        now - view.shownAt >= this.settings.minPushIntervalMs)
    ) {
      view.shown = telemetry;
      view.shownAt = now;
      view.revision++;
      return true;
    }
    return false;
  }

  private refreshed(cluster: string) {
    const ct = this.clusters.get(cluster);
    if (!ct) return;
    const now = Date.now();
    let changed = false;
    for (const [key, view] of [...this.views]) {
      if (view.cluster !== cluster) continue;
      if (now - view.lastSeen > this.interestWindowMs) {
        this.views.delete(key);
        continue;
      }
      changed = this.publish(view, this.compute(ct, view), now) || changed;
    }
    if (changed) {
      for (const listener of this.listeners) listener(cluster);
    }
  }
}
