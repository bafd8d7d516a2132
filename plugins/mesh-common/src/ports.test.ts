import { isIstioProtocolPortName } from './ports';

describe('isIstioProtocolPortName', () => {
  it.each([
    'http',
    'http-web',
    'http2',
    'grpc-web',
    'grpc-web-api',
    'tcp-db',
    'udp',
  ])('accepts %s', name => expect(isIstioProtocolPortName(name)).toBe(true));

  it.each(['web', 'httpx', 'HTTP', 'api-http', '', undefined])(
    'rejects %s',
    name => expect(isIstioProtocolPortName(name)).toBe(false),
  );
});
