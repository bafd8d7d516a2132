/*
 * What a fault of the suite is: how it is injected and removed, and what
 * the mesh backend should say about its cluster meanwhile.
 */
import type { DemoCluster } from '@mesh-chain/demo-cluster';
import type { ClusterChain } from '@mesh-chain/plugin-mesh-common';
import type { FaultProxy } from './FaultProxy';

/** What a fault acts on. */
export interface FaultContext {
  /** The cluster's name, as the backend knows it. */
  name: string;
  proxy: FaultProxy;
  /** The simulator behind the proxy (changes after a restart). */
  cluster(): DemoCluster;
  /**
   * Stops the cluster's API server (state kept) and starts it again from
   * its state, unreachable until `reopen()`; `whileDown` changes it first.
   */
  restart(whileDown: (cluster: DemoCluster) => Promise<void>): Promise<void>;
  /** Makes the restarted cluster reachable again. */
  reopen(): Promise<void>;
}

/** A check of one answer: undefined when it holds, else what was seen. */
export type ChainCheck = (
  chain: ClusterChain,
  ctx: FaultContext,
) => string | undefined;

export interface Fault {
  /** What is injected, as the report names it. */
  title: string;
  /** Index of the cluster it is injected into. */
  cluster: number;
  /** Injected before the backend starts: the backend first loads with it. */
  atStart?: boolean;
  /** The entity whose answer is watched (default `storefront`). */
  entity?: string;
  /** A URL traced meanwhile (default: the entity's external URL). */
  traceUrl?: string;
  /**
   * What the answer should say about the cluster while the fault is on;
   * `mustShow`: it has to be seen at least once (a transient fault may
   * pass unseen, but never with a wrong answer).
   */
  expect: ChainCheck;
  mustShow: boolean;
  /** What the suite expects, in words, for the report. */
  expected: string;
  inject(ctx: FaultContext): Promise<void>;
  /** Once the symptom was seen, while the fault is still on. */
  meanwhile?(ctx: FaultContext): Promise<void>;
  remove(ctx: FaultContext): Promise<void>;
  /** Whether the cluster counts as back (default: status current). */
  back?: ChainCheck;
  /**
   * An entity whose answer, whenever the cluster says it is current after
   * the fault, must show what changed meanwhile (never a mix of new and
   * old presented as current).
   */
  consistent?: { entity: string; check: ChainCheck };
  /** A check of the whole answer (e.g. its size), given the normal size. */
  checkAnswer?(body: string, normalSize: number): string | undefined;
}
