/*
 * One round of a cluster's samples, grouped once by what a chain looks them
 * up by: the backend computes the traffic of every followed chain from the
 * same round, so each chain reads only its own series instead of scanning
 * the cluster's (tens of thousands at a few thousand workloads).
 */
import {
  AutoscalerSample,
  ClusterTrafficSamples,
  countsOnce,
  LatencyBucketSample,
  RequestSample,
} from './samples';

/** The samples of one round, by destination, workload and autoscaler. */
export interface TrafficSampleIndex {
  /** Counted requests (each once, `countsOnce`) by destination Service FQDN. */
  requestsByService: ReadonlyMap<string, readonly RequestSample[]>;
  /** Counted latency buckets by destination Service FQDN. */
  latencyByService: ReadonlyMap<string, readonly LatencyBucketSample[]>;
  /** Counted requests by receiving workload, `namespace/name`. */
  requestsByWorkload: ReadonlyMap<string, readonly RequestSample[]>;
  /** Requests per second no route matched (`NR`), by lower-case host. */
  noRouteByHost: ReadonlyMap<string, number>;
  /** kube-state-metrics values by autoscaler, `namespace/name`. */
  autoscalers: ReadonlyMap<string, readonly AutoscalerSample[]>;
}

const indexes = new WeakMap<ClusterTrafficSamples, TrafficSampleIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export const workloadKey = (namespace: string, name: string) =>
  `${namespace}/${name}`;

function buildIndex(samples: ClusterTrafficSamples): TrafficSampleIndex {
  const requestsByService = new Map<string, RequestSample[]>();
  const requestsByWorkload = new Map<string, RequestSample[]>();
  const noRouteByHost = new Map<string, number>();
  for (const s of samples.requests) {
    if (!countsOnce(s)) continue;
    push(requestsByService, s.destinationService, s);
    push(
      requestsByWorkload,
      workloadKey(s.destinationWorkloadNamespace, s.destinationWorkload),
      s,
    );
    if (s.responseFlags.split(',').includes('NR')) {
      const host = s.destinationService.toLowerCase();
      noRouteByHost.set(host, (noRouteByHost.get(host) ?? 0) + s.rps);
    }
  }
  const latencyByService = new Map<string, LatencyBucketSample[]>();
  for (const s of samples.latency) {
    if (countsOnce(s)) push(latencyByService, s.destinationService, s);
  }
  const autoscalers = new Map<string, AutoscalerSample[]>();
  for (const s of samples.autoscalers) {
    push(autoscalers, workloadKey(s.namespace, s.name), s);
  }
  return {
    requestsByService,
    latencyByService,
    requestsByWorkload,
    noRouteByHost,
    autoscalers,
  };
}

/**
 * The index of a round of samples, built on first use and kept while the
 * round is (rounds are not changed once made).
 */
export function trafficSampleIndex(
  samples: ClusterTrafficSamples,
): TrafficSampleIndex {
  let index = indexes.get(samples);
  if (!index) {
    index = buildIndex(samples);
    indexes.set(samples, index);
  }
  return index;
}
