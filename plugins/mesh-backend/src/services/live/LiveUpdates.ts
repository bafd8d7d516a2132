import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  meshSignalChannel,
  MeshChainSignal,
  MeshEntityTarget,
} from '@mesh-chain/plugin-mesh-common';
import { randomUUID } from 'crypto';
import type { MeshSettings } from '../../config';
import type { MeshCluster } from '@mesh-chain/plugin-mesh-node';
import type { ClusterDataService } from '../cluster/ClusterDataService';
import { combineRevisions } from '../chains/chainHashing';
import type { MeshChainService } from '../MeshChainService';
import { PublisherElection } from './PublisherElection';

/** The events topic on which replicas tell each other what pages show. */
const MESH_VIEWED_TOPIC = 'mesh.chain.viewed';

/** The events topic on which replicas say they run, or that they stop. */
const MESH_REPLICA_TOPIC = 'mesh.replica';

/** How often a replica says it runs. */
const HEARTBEAT_MS = 15_000;

/** A replica not heard from for this long is taken as gone. */
const REPLICA_TIMEOUT_MS = 4 * HEARTBEAT_MS;

/** What a replica announces when it served an entity's chain. */
interface ViewedEvent {
  origin: string;
  entityRef: string;
  target: MeshEntityTarget;
  /** Cluster -> content hash of the part of the chain that was served. */
  hashes: Record<string, string>;
  viewedAt: number;
}

/** What a replica says on MESH_REPLICA_TOPIC. */
interface ReplicaEvent {
  origin: string;
  state: 'running' | 'left';
}

interface Interest {
  entityRef: string;
  target: MeshEntityTarget;
  hashes: Record<string, string>;
  lastViewed: number;
  lastAnnounced: number;
  /** The served hashes changed since this replica last announced them. */
  changedSinceAnnounce: boolean;
  /** Replica id -> the latest view it announced (decides who publishes). */
  announcers: Map<string, number>;
}

/**
 * Live updates: entities whose chain was requested recently (on any
 * replica) are resolved again when a cluster they live in changes (an
 * object, or the cluster's status: loaded, stale, current again), and a
 * `MeshChainSignal` is published on `meshSignalChannel(entityRef)` when their
 * revision changes, debounced.
 *
 * Several replicas: every replica watches every cluster and hears, over the
 * events bus, which entities any replica served (with the hashes it served),
 * so whichever replica holds a user's signals connection, and whichever
 * replica served the page, the change is announced. Signals reach every
 * replica's pages through the events bus, so one replica publishes each
 * entity's signals: the one that announced its latest view, while it runs
 * (see `PublisherElection`).
 */
export class LiveUpdates {
  private readonly interests = new Map<string, Interest>();
  private readonly dirty = new Set<string>();
  private readonly origin = randomUUID();
  private readonly election = new PublisherElection(
    this.origin,
    REPLICA_TIMEOUT_MS,
  );
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private firstDirtyAt = 0;
  private flushing?: Promise<void>;
  private unsubscribe: Array<() => void> = [];
  private stopped = false;

  constructor(
    private readonly options: {
      chains: MeshChainService;
      data: ClusterDataService;
      signals: SignalsService;
      events: EventsService;
      logger: LoggerService;
      settings: MeshSettings['live'];
      /** Traffic figures that changed beyond noise (see services/telemetry/noise.ts). */
      telemetry?: { onChange(listener: (cluster: string) => void): () => void };
    },
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = [
      this.options.data.onChange(cluster => this.clusterChanged(cluster)),
      // A cluster that finished loading, went stale or is current again
      // changes what pages show even when no object changed.
      this.options.data.onStatusChange(cluster => this.clusterChanged(cluster)),
      ...(this.options.telemetry
        ? [this.options.telemetry.onChange(c => this.clusterChanged(c))]
        : []),
    ];
    await this.options.events.subscribe({
      // A subscriber id of its own: every replica hears every announcement.
      id: `mesh-live-${this.origin}`,
      topics: [MESH_VIEWED_TOPIC, MESH_REPLICA_TOPIC],
      onEvent: async params => {
        const event = params.eventPayload as Partial<
          ViewedEvent & ReplicaEvent
        >;
        if (!event?.origin || event.origin === this.origin) {
          return;
        }
        if (event.state === 'left') {
          this.election.left(event.origin, Date.now());
          return;
        }
        this.election.heard(event.origin, Date.now());
        if (event.entityRef) {
          this.record(event as ViewedEvent, false);
        }
      },
    });
    await this.sayRunning();
    this.heartbeat = setInterval(() => this.sayRunning(), HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  /** Tells the other replicas that this one stops (before the events bus does). */
  async leave(): Promise<void> {
    clearInterval(this.heartbeat);
    await this.announceReplica('left');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe.forEach(unsubscribe => unsubscribe());
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    await this.flushing;
  }

  private async sayRunning() {
    await this.announceReplica('running');
  }

  private async announceReplica(state: ReplicaEvent['state']) {
    try {
      await this.options.events.publish({
        topic: MESH_REPLICA_TOPIC,
        eventPayload: { origin: this.origin, state } satisfies ReplicaEvent,
      });
    } catch (error) {
      this.options.logger.warn(
        `mesh: could not tell other replicas that this one is ${state}: ${error}`,
      );
    }
  }

  /** How long after its last page view an entity keeps receiving updates. */
  get followForMs(): number {
    return this.options.settings.interestWindowMs;
  }

  /** Entities followed right now (for tests and the clusters endpoint). */
  get followed(): number {
    return this.interests.size;
  }

  /** Records that a page was given this chain; announces it to other replicas. */
  async viewed(
    entityRef: string,
    target: MeshEntityTarget,
    hashes: Record<string, string>,
  ): Promise<void> {
    const now = Date.now();
    const interest = this.record(
      { origin: this.origin, entityRef, target, hashes, viewedAt: now },
      true,
    );
    const refreshEvery = Math.min(
      60_000,
      this.options.settings.interestWindowMs / 4,
    );
    if (
      interest.lastAnnounced > now - refreshEvery &&
      !interest.changedSinceAnnounce
    ) {
      return;
    }
    interest.lastAnnounced = now;
    interest.changedSinceAnnounce = false;
    interest.announcers.set(this.origin, now);
    try {
      await this.options.events.publish({
        topic: MESH_VIEWED_TOPIC,
        eventPayload: {
          origin: this.origin,
          entityRef,
          target,
          hashes,
          viewedAt: now,
        } satisfies ViewedEvent as any,
      });
    } catch (error) {
      this.options.logger.warn(
        `mesh: could not tell other replicas about ${entityRef}: ${error}`,
      );
    }
  }

  private record(event: ViewedEvent, local: boolean): Interest {
    // As toLocaleLowerCase('en-US'), without its cost on every page view.
    const key = event.entityRef.toLowerCase();
    const existing = this.interests.get(key);
    if (existing) {
      existing.lastViewed = Math.max(existing.lastViewed, event.viewedAt);
      existing.target = event.target;
      const changed =
        JSON.stringify(existing.hashes) !== JSON.stringify(event.hashes);
      if (local) {
        // What this replica served is what the page now shows.
        existing.hashes = { ...event.hashes };
        existing.changedSinceAnnounce ||= changed;
      } else {
        for (const [cluster, hash] of Object.entries(event.hashes)) {
          existing.hashes[cluster] ??= hash;
        }
        announced(existing, event);
      }
      // Most recently viewed last, for eviction.
      this.interests.delete(key);
      this.interests.set(key, existing);
      return existing;
    }
    const interest: Interest = {
      entityRef: event.entityRef,
      target: event.target,
      hashes: { ...event.hashes },
      lastViewed: event.viewedAt,
      lastAnnounced: 0,
      changedSinceAnnounce: true,
      announcers: new Map(),
    };
    if (!local) {
      announced(interest, event);
    }
    this.interests.set(key, interest);
    while (this.interests.size > this.options.settings.maxEntities) {
      this.interests.delete(this.interests.keys().next().value!);
    }
    return interest;
  }

  private clusterChanged(cluster: string) {
    if (this.stopped) {
      return;
    }
    const now = Date.now();
    if (this.dirty.size === 0) {
      this.firstDirtyAt = now;
    }
    this.dirty.add(cluster);
    clearTimeout(this.timer);
    const { debounceMs, maxWaitMs } = this.options.settings;
    const wait = Math.max(
      0,
      Math.min(debounceMs, this.firstDirtyAt + maxWaitMs - now),
    );
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref?.();
  }

  private flush() {
    if (this.flushing) {
      // One flush at a time; the running one is followed by another.
      this.flushing.then(() => this.dirty.size && this.flush());
      return;
    }
    this.flushing = this.runFlush()
      .catch(error =>
        this.options.logger.error(`mesh: live update failed: ${error}`),
      )
      .finally(() => {
        this.flushing = undefined;
      });
  }

  private async runFlush() {
    const dirty = new Set(this.dirty);
    this.dirty.clear();
    const clusters = new Map(
      (await this.options.data.listClusters()).map(c => [c.name, c]),
    );
    const expiry = Date.now() - this.options.settings.interestWindowMs;
    // Each dirty cluster's state is read once for all the entities (again
    // after each pause, as changes may have come in meanwhile).
    const hashers = new Map<
      string,
      (target: MeshEntityTarget) => string | undefined
    >();
    const hasherOf = (cluster: MeshCluster) => {
      let hasher = hashers.get(cluster.name);
      if (!hasher) {
        hasher = this.options.chains.cachedClusterHasher(cluster);
        hashers.set(cluster.name, hasher);
      }
      return hasher;
    };
    let processed = 0;
    for (const [key, interest] of [...this.interests]) {
      if (this.stopped) {
        return;
      }
      if (interest.lastViewed < expiry) {
        this.interests.delete(key);
        continue;
      }
      const changed: string[] = [];
      for (const name of Object.keys(interest.hashes)) {
        const cluster = clusters.get(name);
        if (!dirty.has(name) || !cluster) {
          continue;
        }
        const hash = hasherOf(cluster)(interest.target);
        if (hash && hash !== interest.hashes[name]) {
          interest.hashes[name] = hash;
          changed.push(name);
        }
      }
      if (
        changed.length > 0 &&
        this.election.publishes(interest.announcers, Date.now())
      ) {
        const signal: MeshChainSignal = {
          entityRef: interest.entityRef,
          revision: combineRevisions(interest.hashes),
          clusters: changed,
          changedAt: new Date().toISOString(),
        };
        try {
          await this.options.signals.publish({
            recipients: { type: 'broadcast' },
            channel: meshSignalChannel(interest.entityRef),
            message: { ...signal },
          });
        } catch (error) {
          this.options.logger.warn(
            `mesh: could not publish the update of ${interest.entityRef}: ${error}`,
          );
        }
      }
      // Resolving is synchronous: let requests in between entities.
      if (++processed % 20 === 0) {
        await new Promise(resolve => setImmediate(resolve));
        hashers.clear();
      }
    }
  }
}

/** Notes the view another replica announced. */
function announced(interest: Interest, event: ViewedEvent) {
  const previous = interest.announcers.get(event.origin) ?? 0;
  interest.announcers.set(event.origin, Math.max(previous, event.viewedAt));
}
