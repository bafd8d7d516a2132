/*
 * Changing a chain's traffic: what an owner asks for (a change), what the
 * backend answers before anything is written (a preview: the patch, the
 * diff, who else owns the fields, what the chain's diagnostics and the
 * route simulator say afterwards), and what an apply reports. Plain JSON,
 * shared by the backend, the Service Mesh tab, the template action and the
 * actions registry.
 */
import type {
  Diagnostic,
  ObjectRef,
  RouteSimulationRequest,
  RouteSimulationResult,
} from './types';

/** The object of the chain a change is made to. @public */
export interface ChangeTarget {
  namespace: string;
  name: string;
}

/**
 * One route of a VirtualService: its list (`http`, `tcp` or `tls`) and its
 * position there. With `name`, the route must still carry that name (a
 * guard against the list having been reordered).
 *
 * @public
 */
export interface ChangeRouteRef {
  protocol: 'http' | 'tcp' | 'tls';
  index: number;
  name?: string;
}

/** A weighted destination of a route. @public */
export interface ChangeDestination {
  /** The host as it is written in the route, e.g. `checkout.shop.svc.cluster.local`. */
  host: string;
  subset?: string;
  /** The Service port, when the route names one. */
  port?: number;
  /** 0-100; the weights of a route sum to 100. */
  weight: number;
}

/** How a route retries (Istio `HTTPRetry`). @public */
export interface ChangeRetries {
  /** Attempts after the first; 0 turns retries off. */
  attempts: number;
  /** e.g. `2s`. */
  perTryTimeout?: string;
  /** Comma-separated conditions, e.g. `5xx,connect-failure`. */
  retryOn?: string;
}

/**
 * A change an owner can make to the chain:
 *
 * - `route-weights`: the weighted destinations of one route of a
 *   VirtualService (promote, roll back, any split summing to 100);
 * - `route-timeouts`: an HTTP route's `timeout` and `retries` (`null`
 *   removes the field, so Istio's default applies);
 * - `autoscaler`: an HPA's `minReplicas` and `maxReplicas`;
 * - `replicas`: `spec.replicas` of a Deployment no autoscaler scales;
 * - `restart`: a Deployment's rollout restart, as `kubectl rollout restart`
 *   does it (the `kubectl.kubernetes.io/restartedAt` pod template
 *   annotation).
 *
 * @public
 */
export type ChainChange =
  | {
      type: 'route-weights';
      /** The VirtualService. */
      target: ChangeTarget;
      route: ChangeRouteRef;
      destinations: ChangeDestination[];
    }
  | {
      type: 'route-timeouts';
      target: ChangeTarget;
      route: ChangeRouteRef;
      /** e.g. `5s`; `null` removes it (Istio's default: no timeout). */
      timeout?: string | null;
      /** `null` removes them (Istio's default: 2 attempts). */
      retries?: ChangeRetries | null;
    }
  | {
      type: 'autoscaler';
      /** The HorizontalPodAutoscaler. */
      target: ChangeTarget;
      minReplicas?: number;
      maxReplicas?: number;
    }
  | {
      type: 'replicas';
      /** The Deployment. */
      target: ChangeTarget;
      replicas: number;
    }
  | {
      type: 'restart';
      /** The Deployment. */
      target: ChangeTarget;
    };

/** The type of a {@link ChainChange}. @public */
export type ChainChangeType = ChainChange['type'];

/**
 * The body of `POST .../changes/preview` and `.../changes/apply`.
 *
 * @public
 */
export interface ChainChangeRequest {
  /** The cluster, by name, as in `kubernetes.clusterLocatorMethods`. */
  cluster: string;
  change: ChainChange;
  /**
   * Apply even though another manager keeps the fields or a GitOps tool
   * reverts the object: needs `mesh.chain.update.force` (administrators).
   */
  force?: boolean;
  /**
   * For an apply: the `basis` of the preview the owner confirmed. The apply
   * is refused (409) when the changed fields no longer hold what they held
   * then.
   */
  basis?: string;
}

/**
 * What a field manager (or a GitOps tool) that owns a field of the change
 * is, and what it will do about the change:
 *
 * - `controller`: keeps the field (Flagger, Argo Rollouts setting route
 *   weights): it undoes the change on its next step;
 * - `autoscaler`: a HorizontalPodAutoscaler sets the Deployment's replicas;
 * - `gitops`: Argo CD or Flux tracks the object and reverts what is not in
 *   Git on its next sync;
 * - `writer`: a person or a one-off tool last wrote the field (kubectl, a
 *   template); nothing keeps it, the change takes it over.
 *
 * @public
 */
export type ChangeOwnerRole = 'controller' | 'autoscaler' | 'gitops' | 'writer';

/** Another owner of a field the change touches. @public */
export interface ChangeFieldOwner {
  /** The field manager (`metadata.managedFields[].manager`), or the tool. */
  manager: string;
  role: ChangeOwnerRole;
  /** Who that is, in words, e.g. "Flagger (progressive delivery)". */
  description: string;
  /** What happens to the change because of it. */
  consequence: string;
  /** The fields of the change it owns, e.g. `spec.http`. */
  fields: string[];
  /** `Apply` or `Update`, when read from `managedFields`. */
  operation?: string;
  /** When it last wrote them (ISO 8601), when known. */
  time?: string;
  /** Whether it stops the change unless an administrator forces it. */
  blocks: boolean;
}

/** Whether the change may be applied, and why (not). @public */
export interface ChangeDecision {
  allowed: boolean;
  /** Why not, or what applying does besides the change (takeovers). */
  reasons: string[];
  /** A controller or GitOps tool keeps the fields: applying needs force. */
  needsForce: boolean;
  /** Whether the caller holds `mesh.chain.update.force`. */
  canForce: boolean;
  /** Whether this request forces. */
  forced: boolean;
}

/** How the chain's diagnostics change. @public */
export interface ChangeDiagnostics {
  /** Diagnostics the change brings. */
  introduced: Diagnostic[];
  /** Diagnostics the change makes go away. */
  fixed: Diagnostic[];
  /** Diagnostics there before and after (as they read after). */
  remaining: Diagnostic[];
}

/** A request traced through the chain before and after a routing change. @public */
export interface ChangeTrace {
  request: RouteSimulationRequest;
  before: RouteSimulationResult;
  after: RouteSimulationResult;
}

/**
 * `POST .../changes/preview`: what a change does, computed from a
 * server-side dry run; nothing is written.
 *
 * @public
 */
export interface ChangePreview {
  entityRef: string;
  cluster: string;
  change: ChainChange;
  /** The object the change is applied to. */
  target: ObjectRef;
  /** The change in one line, e.g. `http[0]: v1 90% -> 50%, v2 10% -> 50%`. */
  summary: string;
  /** The field manager the apply uses (`mesh.changes.fieldManager`). */
  fieldManager: string;
  /**
   * The fields the change sets, e.g. `spec.http` (an atomic list: the
   * whole list is applied and owned), `spec.maxReplicas`.
   */
  fields: string[];
  /** What to know about how it is applied (atomic lists, takeovers). */
  notes: string[];
  /** The server-side apply configuration, as YAML. */
  applyConfiguration: string;
  /** A unified diff of the object (spec, labels, annotations) before and after. */
  diff: string;
  /** The values of `fields` before and after (JSON). */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** Other owners of those fields, and what they will do. */
  owners: ChangeFieldOwner[];
  decision: ChangeDecision;
  diagnostics: ChangeDiagnostics;
  /** For routing changes: requests the route serves, traced before and after. */
  traces: ChangeTrace[];
  /**
   * The changed fields' values when previewed; give it back with the
   * apply to make sure nobody changed them meanwhile.
   */
  basis: string;
  previewedAt: string;
}

/**
 * `POST .../changes/apply`: the change as applied (the same report as the
 * preview, from the object the cluster returned).
 *
 * @public
 */
export interface ChangeResult extends ChangePreview {
  appliedAt: string;
  /** The object's resourceVersion after the apply. */
  resourceVersion?: string;
}

/** Where changes are allowed (`GET /changes/targets`). @public */
export interface ChangeTargetsResponse {
  fieldManager: string;
  targets: Array<{
    cluster: string;
    /** Namespace patterns; `*` matches any run of characters. */
    namespaces: string[];
  }>;
}
