/*
 * Errors as the Kubernetes API server reports them: `Status` objects with the
 * same codes, reasons and message shapes, so that clients (kubectl,
 * @kubernetes/client-node, client-go) show what they show for a real cluster.
 */

/** One cause of an error, e.g. a field that failed validation. @public */
export interface StatusCause {
  /** e.g. `FieldValueRequired`, `FieldValueInvalid`, `FieldManagerConflict`. */
  reason?: string;
  message?: string;
  /** The field path, e.g. `spec.template.spec.containers[0].name`. */
  field?: string;
}

/** A `meta.k8s.io/v1` Status object. @public */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** What an error names: the resource (`deployments.apps`) and object. */
export interface ErrorTarget {
  /** API group, '' for core. */
  group: string;
  /** Plural resource name, e.g. `deployments`. */
  plural: string;
  /** Kind, e.g. `Deployment` (used by Invalid errors). */
  kind?: string;
  name?: string;
}

/**
 * An error the API returns as a `Status` object.
 *
 * @public
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Status['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details && { details: this.details }),
      code: this.code,
    };
  }
}

/** `deployments.apps` or `pods`. */
function qualifiedResource(t: { group: string; plural: string }) {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

function detailsOf(t: ErrorTarget, name?: string): Status['details'] {
  return {
    ...(name !== undefined && { name }),
    ...(t.group && { group: t.group }),
    kind: t.plural,
  };
}

export function notFound(t: ErrorTarget, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(t)} "${name}" not found`,
    detailsOf(t, name),
  );
}

export function alreadyExists(t: ErrorTarget, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(t)} "${name}" already exists`,
    detailsOf(t, name),
  );
}

export function conflict(
  t: ErrorTarget,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
  causes?: StatusCause[],
): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(
      t,
    )} "${name}": ${why}`,
    { ...detailsOf(t, name), ...(causes && { causes }) },
  );
}

/** 422 Invalid, the way the API server words it. */
export function invalid(
  t: ErrorTarget,
  name: string,
  causes: StatusCause[],
): ApiError {
  const kindName = t.group ? `${t.kind}.${t.group}` : `${t.kind}`;
  const parts = causes.map(c =>
    c.field ? `${c.field}: ${c.message}` : `${c.message}`,
  );
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `${kindName} "${name}" is invalid: ${summary}`,
    {
      name,
      ...(t.group && { group: t.group }),
      kind: t.kind,
      causes,
    },
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function forbidden(
  t: ErrorTarget,
  name: string | undefined,
  message: string,
): ApiError {
  const subject = name
    ? `${qualifiedResource(t)} "${name}"`
    : qualifiedResource(t);
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: ${message}`,
    detailsOf(t, name),
  );
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

/** 404 for a path that names no resource the server serves. */
export function noSuchPath(): ApiError {
  return new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function tooLarge(): ApiError {
  return new ApiError(
    413,
    'RequestEntityTooLarge',
    'Request entity too large: limit is 3145728',
  );
}

function internalError(message: string): ApiError {
  return new ApiError(
    500,
    'InternalError',
    `Internal error occurred: ${message}`,
  );
}

/** Turns anything thrown into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return internalError(message);
}
