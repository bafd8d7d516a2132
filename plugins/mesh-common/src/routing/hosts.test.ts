import {
  expandHost,
  gatewayServerAdmits,
  hostMatches,
  hostsOverlap,
  kubernetesServiceOf,
  normalizeGatewayRef,
  splitAuthority,
} from './hosts';

describe('expandHost', () => {
  // VirtualService reference: "Istio will interpret the short name based on
  // the namespace of the rule, not the service".
  it.each([
    ['reviews', 'foo', 'reviews.foo.svc.cluster.local'],
    ['Reviews.', 'foo', 'reviews.foo.svc.cluster.local'],
    ['reviews.prod.svc.cluster.local', 'foo', 'reviews.prod.svc.cluster.local'],
    ['reviews.prod', 'foo', 'reviews.prod'],
    ['*.bookinfo.com', 'foo', '*.bookinfo.com'],
    ['*', 'foo', '*'],
    ['10.0.0.1', 'foo', '10.0.0.1'],
  ])('%s in %s is %s', (host, ns, expected) => {
    expect(expandHost(host, ns)).toBe(expected);
  });

  it('uses the configured cluster domain', () => {
    expect(expandHost('reviews', 'foo', 'corp.internal')).toBe(
      'reviews.foo.svc.corp.internal',
    );
  });
});

describe('kubernetesServiceOf', () => {
  it.each([
    ['reviews', 'foo', 'reviews.foo.svc.cluster.local', true],
    ['reviews.prod', 'foo', 'reviews.prod.svc.cluster.local', false],
    ['reviews.prod.svc', 'foo', 'reviews.prod.svc.cluster.local', false],
    [
      'reviews.prod.svc.cluster.local',
      'foo',
      'reviews.prod.svc.cluster.local',
      true,
    ],
  ])('%s from %s names %s (exact: %s)', (host, ns, fqdn, exact) => {
    expect(kubernetesServiceOf(host, ns)).toMatchObject({ fqdn, exact });
  });

  it.each([
    '*.example.com',
    'shop.example.com',
    'reviews.prod.svc.other.domain',
  ])('%s names no Service', host => {
    expect(kubernetesServiceOf(host, 'foo')).toBeUndefined();
  });
});

describe('hostMatches', () => {
  it.each([
    ['*', 'anything.example.com', true],
    ['*.bookinfo.com', 'login.bookinfo.com', true],
    ['*.bookinfo.com', 'a.b.bookinfo.com', true],
    ['*.bookinfo.com', 'bookinfo.com', false],
    ['*.bookinfo.com', 'login.bookinfo.org', false],
    ['shop.example.com', 'SHOP.example.com', true],
    ['shop.example.com', 'api.shop.example.com', false],
  ])('%s matches %s: %s', (pattern, host, expected) => {
    expect(hostMatches(pattern, host)).toBe(expected);
  });

  it.each([
    ['*.example.com', '*.shop.example.com', true],
    ['*.example.com', 'shop.example.com', true],
    ['a.example.com', 'b.example.com', false],
    ['*.example.com', '*.example.org', false],
  ])('%s overlaps %s: %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
    expect(hostsOverlap(b, a)).toBe(expected);
  });
});

describe('gateway server hosts', () => {
  // Gateway reference: hosts are `namespace/dnsName`; `*` any namespace,
  // `.` the Gateway's namespace.
  it.each([
    ['shop.example.com', 'istio-system', 'shop.example.com', 'shop', true],
    ['*/shop.example.com', 'istio-system', 'shop.example.com', 'shop', true],
    ['shop/*.example.com', 'istio-system', 'web.example.com', 'shop', true],
    ['shop/*.example.com', 'istio-system', 'web.example.com', 'other', false],
    ['./*', 'istio-system', 'web.example.com', 'istio-system', true],
    ['./*', 'istio-system', 'web.example.com', 'shop', false],
    ['*/api.example.com', 'istio-system', 'web.example.com', 'shop', false],
  ])(
    '%s on a Gateway in %s admits %s from %s: %s',
    (sh, gwNs, host, vsNs, ok) => {
      expect(gatewayServerAdmits(sh, gwNs, host, vsNs)).toBe(ok);
    },
  );

  it.each([
    ['mesh', 'shop', 'mesh'],
    ['bookinfo-gateway', 'shop', 'shop/bookinfo-gateway'],
    ['istio-system/public', 'shop', 'istio-system/public'],
  ])('gateway ref %s from %s is %s', (ref, ns, expected) => {
    expect(normalizeGatewayRef(ref, ns)).toBe(expected);
  });

  it('splits authorities', () => {
    expect(splitAuthority('Shop.example.com:8443')).toEqual({
      host: 'shop.example.com',
      port: 8443,
    });
    expect(splitAuthority('shop.example.com')).toEqual({
      host: 'shop.example.com',
    });
  });
});
