import type { ClusterError } from '@mesh-chain/plugin-mesh-common';

/** Node.js error codes for connections that could not be made. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function isTlsCode(code: string): boolean {
  return (
    code.startsWith('ERR_TLS_') ||
    code.startsWith('ERR_SSL_') ||
    code.includes('CERT') ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'EPROTO'
  );
}

/** Reads the HTTP status of an error from the shapes the clients use. */
function statusCodeOf(error: any): number | undefined {
  for (const value of [
    error?.statusCode,
    error?.response?.statusCode,
    error?.response?.status,
    // @kubernetes/client-node's ApiException keeps the HTTP status in `code`
    typeof error?.code === 'number' ? error.code : undefined,
  ]) {
    if (typeof value === 'number' && value >= 100 && value < 600) {
      return value;
    }
  }
  return undefined;
}

/** The network error code of an error or of its causes. */
function networkCodeOf(error: any): string | undefined {
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string') {
      return current.code;
    }
    current = current.cause;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/**
 * Turns an error from a request to a Kubernetes API server into the
 * structured {@link @mesh-chain/plugin-mesh-common#ClusterError} the mesh API
 * returns, with a message that says what to do about it. Never includes
 * credentials: messages come from the API server or the network stack.
 *
 * @param error - What the request threw.
 * @param context - The cluster name and, when only one kind failed, its
 *   plural (e.g. `virtualservices`), used in the message and `resource`.
 * @public
 */
export function classifyClusterError(
  error: unknown,
  context: { cluster?: string; resource?: string } = {},
): ClusterError {
  const where = context.cluster ? `cluster '${context.cluster}'` : 'cluster';
  const what = context.resource ? ` reading ${context.resource}` : '';
  const base = {
    ...(context.resource && { resource: context.resource }),
  };
  const err = error as any;
  const detail = messageOf(error);
  const statusCode = statusCodeOf(err);
  const code = networkCodeOf(err);

  if (err?.reason === 'credentials' || err?.name === 'MeshCredentialsError') {
    return { ...base, reason: 'credentials', message: detail };
  }
  if (
    err?.name === 'TimeoutError' ||
    err?.name === 'MeshTimeoutError' ||
    (code && TIMEOUT_CODES.has(code))
  ) {
    return {
      ...base,
      reason: 'timeout',
      message: `The ${where} did not answer in time${what}: ${detail}`,
    };
  }
  if (statusCode === 401) {
    return {
      ...base,
      reason: 'unauthorized',
      statusCode,
      message: `The ${where} rejected the credential${what} (401 Unauthorized): ${detail}. Check the token or auth provider configured for it under kubernetes.clusterLocatorMethods, or sign in again for client-side auth providers.`,
    };
  }
  if (statusCode === 403) {
    return {
      ...base,
      reason: 'forbidden',
      statusCode,
      message: `The ${where} refused access${what} (403 Forbidden): ${detail}. Grant the identity Backstage uses 'get', 'list' and 'watch' on ${
        context.resource ?? 'the resources the mesh plugin reads'
      } (a ClusterRole bound to its service account).`,
    };
  }
  if (code && isTlsCode(code)) {
    return {
      ...base,
      reason: 'tls',
      message: `TLS with the ${where} failed (${code}): ${detail}. Set caData or caFile for the cluster (or skipTLSVerify for tests only).`,
    };
  }
  if (code && UNREACHABLE_CODES.has(code)) {
    return {
      ...base,
      reason: 'unreachable',
      message: `The ${where} is unreachable (${code})${what}: ${detail}. Check its url and that the backend can reach it.`,
    };
  }
  if (statusCode !== undefined) {
    return {
      ...base,
      reason: 'unknown',
      statusCode,
      message: `The ${where} answered ${statusCode}${what}: ${detail}`,
    };
  }
  return {
    ...base,
    reason: 'unknown',
    message: `Could not read the ${where}${what}: ${detail}`,
  };
}
