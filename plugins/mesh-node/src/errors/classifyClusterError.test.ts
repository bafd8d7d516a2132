import { classifyClusterError } from './classifyClusterError';

function withCode(message: string, code: string | number, extra = {}) {
  return Object.assign(new Error(message), { code }, extra);
}

describe('classifyClusterError', () => {
  it.each([
    [
      withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
      'unreachable',
    ],
    [withCode('getaddrinfo ENOTFOUND nope', 'ENOTFOUND'), 'unreachable'],
    [withCode('self-signed certificate', 'DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls'],
    [
      withCode(
        "Hostname/IP does not match certificate's altnames",
        'ERR_TLS_CERT_ALTNAME_INVALID',
      ),
      'tls',
    ],
    [
      Object.assign(new Error('Unauthorized'), { statusCode: 401 }),
      'unauthorized',
    ],
    [Object.assign(new Error('Forbidden'), { statusCode: 403 }), 'forbidden'],
    // @kubernetes/client-node ApiException: HTTP status in `code`
    [withCode('HTTP-Code: 403', 403), 'forbidden'],
    [Object.assign(new Error('too slow'), { name: 'TimeoutError' }), 'timeout'],
    [withCode('read ETIMEDOUT', 'ETIMEDOUT'), 'timeout'],
    [Object.assign(new Error('boom'), { statusCode: 500 }), 'unknown'],
    ['a string', 'unknown'],
  ])('classifies %s as %s', (error, reason) => {
    expect(classifyClusterError(error).reason).toBe(reason);
  });

  it('finds network codes on causes, as fetch implementations wrap them', () => {
    const error = new Error('fetch failed', {
      cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
    });
    expect(classifyClusterError(error).reason).toBe('unreachable');
  });

  it('names the cluster, the resource and the fix', () => {
    const result = classifyClusterError(
      Object.assign(
        new Error(
          'virtualservices.networking.istio.io is forbidden: User "system:serviceaccount:backstage:reader" cannot list resource',
        ),
        { statusCode: 403 },
      ),
      { cluster: 'prod', resource: 'virtualservices' },
    );
    expect(result).toEqual({
      reason: 'forbidden',
      statusCode: 403,
      resource: 'virtualservices',
      message: expect.stringMatching(
        /cluster 'prod' refused access reading virtualservices \(403 Forbidden\).*cannot list resource.*Grant .*'watch' on virtualservices/,
      ),
    });
  });
});
