import { kubernetesModelSource } from './modelSchema';

describe('kubernetesModelSource', () => {
  it('finds built-in kinds in kubernetes-models, core and grouped', () => {
    expect(kubernetesModelSource('v1', 'Service')).toEqual({
      pkg: 'kubernetes-models',
      subpath: 'v1/Service',
      exportName: 'Service',
    });
    expect(kubernetesModelSource('apps/v1', 'Deployment')).toEqual({
      pkg: 'kubernetes-models',
      subpath: 'apps/v1/Deployment',
      exportName: 'Deployment',
    });
  });

  it('finds the Istio and Gateway API kinds in their own packages', () => {
    expect(
      kubernetesModelSource('networking.istio.io/v1alpha3', 'VirtualService'),
    ).toEqual({
      pkg: '@kubernetes-models/istio',
      subpath: 'networking.istio.io/v1alpha3/VirtualService',
      exportName: 'VirtualService',
    });
    expect(
      kubernetesModelSource('gateway.networking.k8s.io/v1', 'HTTPRoute').pkg,
    ).toBe('@kubernetes-models/gateway-api');
  });
});
