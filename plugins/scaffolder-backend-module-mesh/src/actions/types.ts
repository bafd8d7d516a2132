/*
 * What the template actions take and give, as declared types. Each action's
 * zod schemas validate them at run time (and describe each field for the
 * template editor); an action does not compile unless its schemas parse to
 * exactly these types.
 */
import type { ChainFinding } from '@mesh-chain/plugin-mesh-common';
import type { ChainSpec } from '../chain/spec/ChainSpec';

/**
 * The input of `mesh:chain:render`: a {@link ChainSpec} and where to write.
 *
 * @public
 */
export type RenderChainInput = ChainSpec & {
  /** Directory in the workspace to write to (default `kubernetes`). */
  targetPath: string;
};

/** An object `mesh:chain:render` rendered. @public */
export type RenderedObjectRef = {
  /** API version. */
  apiVersion: string;
  /** Kind. */
  kind: string;
  /** Namespace, for namespaced kinds. */
  namespace?: string;
  /** Name. */
  name: string;
};

/** The output of `mesh:chain:render`. @public */
export type RenderChainOutput = {
  /** The directory the manifests were written to, in the workspace. */
  directory: string;
  /** The files written, relative to the workspace, in apply order. */
  files: string[];
  /** All rendered objects as one multi-document YAML stream. */
  manifest: string;
  /** The rendered objects, in apply order. */
  objects: RenderedObjectRef[];
  /** What the chain check of the manifests alone found, one line each. */
  warnings: string[];
  /** Value of the `backstage.io/kubernetes-id` label. */
  kubernetesId: string;
  /** Label selector matching every object of the service. */
  labelSelector: string;
  /** Fully qualified host of the Service. */
  serviceHost: string;
  /** The Gateway the VirtualService is bound to, as `namespace/name`. */
  gatewayRef: string;
  /** Where clients reach the service from outside. */
  externalUrl?: string;
};

/** The input of `mesh:chain:apply`, defaults applied. @public */
export type ApplyChainInput = {
  /** Cluster to apply to, allowed by `mesh.scaffolder.targets`. */
  cluster: string;
  /** Directory in the workspace with the manifests (default `kubernetes`). */
  manifestsPath: string;
  /** The manifests as a multi-document YAML string, instead of files. */
  manifests?: string;
  /** Namespace for objects that have none; others are refused when set. */
  namespace?: string;
  /** Server-side apply field manager (default `backstage-mesh`). */
  fieldManager: string;
  /** Take over fields another field manager owns (default false). */
  forceConflicts: boolean;
  /** Wait until every Deployment is rolled out (default false). */
  waitForAvailable: boolean;
  /** How long to wait for the Deployments (default 120). */
  waitTimeoutSeconds: number;
  /** DNS domain of the cluster (default `cluster.local`). */
  clusterDomain: string;
};

/** What `mesh:chain:apply` did to one object. @public */
export type AppliedObject = {
  /** API version. */
  apiVersion: string;
  /** Kind. */
  kind: string;
  /** Namespace, for namespaced kinds. */
  namespace?: string;
  /** Name. */
  name: string;
  /** created, configured, unchanged, or planned (template dry run). */
  result: string;
  /** Details, for failures. */
  message?: string;
};

/**
 * A finding of the chain check, as `mesh:chain:apply` outputs it: the
 * `ChainFinding` of `@mesh-chain/plugin-mesh-common`, as an object type
 * (an action's output must be a JSON object type, which an interface is not).
 *
 * @public
 */
export type ApplyChainFinding = { [K in keyof ChainFinding]: ChainFinding[K] };

/** The output of `mesh:chain:apply`. @public */
export type ApplyChainOutput = {
  /** The cluster applied to. */
  cluster: string;
  /** The namespaces written to. */
  namespaces: string[];
  /** What happened to each object, in apply order. */
  results: AppliedObject[];
  /** The results as a Markdown table. */
  summary: string;
  /** What the chain check found that did not stop the apply, one line each. */
  warnings: string[];
  /** What the chain check found, as `checkManifests` gives it. */
  findings: ApplyChainFinding[];
  /** `cluster` or `manifests` (a template dry run): what was checked against. */
  checkedAgainst: string;
  /** Whether every Deployment became available (only when waiting). */
  available?: boolean;
};

/** The input of `mesh:catalog:register-local`, defaults applied. @public */
export type RegisterLocalInput = {
  /** The entity file in the workspace (default `catalog-info.yaml`). */
  catalogInfoPath: string;
  /** The entity itself, instead of a file (validated as an entity). */
  entity?: Record<string, any>;
  /** Overwrite an entity this action registered before (default false). */
  replace: boolean;
  /** Wait until the catalog has ingested the entity (default true). */
  waitForEntity: boolean;
  /** How long to wait for the entity (default 60). */
  timeoutSeconds: number;
};

/** The output of `mesh:catalog:register-local`. @public */
export type RegisterLocalOutput = {
  /** Reference of the registered entity. */
  entityRef: string;
  /** The file the catalog reads the entity from, as a `file:` location. */
  catalogInfoUrl: string;
};
