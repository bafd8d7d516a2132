/*
 * What every demo cluster holds before any scenario: the system
 * namespaces, three nodes, the `kubernetes` Service, and the Istio ingress
 * gateway (its Deployment and Service in istio-system, the shared public
 * Gateway) with the Gateway API's `istio` GatewayClass.
 */
import { NODES } from '../controllers/pods';
import type { KubeObject } from '../types';
import { DEMO_DOMAIN, namespace } from './builders';

function nodeObject(
  node: { name: string; ip: string },
  index: number,
): KubeObject {
  const created = '2025-01-01T00:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/worker': '',
        'topology.kubernetes.io/zone': `demo-${'abc'[index % 3]}`,
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
    },
    status: {
      capacity: {
        cpu: '8',
        memory: '32Gi',
        pods: '110',
        'ephemeral-storage': '100Gi',
      },
      allocatable: {
        cpu: '7800m',
        memory: '31Gi',
        pods: '110',
        'ephemeral-storage': '95Gi',
      },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
          lastHeartbeatTime: created,
          lastTransitionTime: created,
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          message: 'kubelet has no disk pressure',
          lastHeartbeatTime: created,
          lastTransitionTime: created,
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          message: 'kubelet has sufficient PID available',
          lastHeartbeatTime: created,
          lastTransitionTime: created,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: created,
          lastTransitionTime: created,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: node.ip },
        { type: 'Hostname', address: node.name },
      ],
      nodeInfo: {
        machineID: `${index}`.padStart(32, '0'),
        systemUUID: `00000000-0000-0000-0000-00000000000${index}`,
        bootID: `00000000-0000-0000-0000-00000000010${index}`,
        kernelVersion: '6.1.0-demo',
        osImage: 'mesh-chain demo node (simulated)',
        containerRuntimeVersion: 'containerd://1.7.24',
        kubeletVersion: 'v1.32.0',
        kubeProxyVersion: 'v1.32.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Objects every cluster has: system namespaces, nodes, the Istio ingress gateway. */
export function baseObjects(): KubeObject[] {
  return [
    namespace('default'),
    namespace('kube-system'),
    namespace('kube-public'),
    namespace('kube-node-lease'),
    namespace('istio-system'),
    ...NODES.map(nodeObject),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.1',
        ports: [
          { name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      },
      spec: {
        replicas: 2,
        selector: {
          matchLabels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
        },
        template: {
          metadata: {
            labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
            annotations: { 'sidecar.istio.io/inject': 'false' },
          },
          spec: {
            containers: [
              {
                name: 'istio-proxy',
                image: 'docker.io/istio/proxyv2:1.24.2',
                args: [
                  'proxy',
                  'router',
                  '--domain',
                  '$(POD_NAMESPACE).svc.cluster.local',
                ],
                ports: [
                  { name: 'http2', containerPort: 8080 },
                  { name: 'https', containerPort: 8443 },
                  { name: 'status-port', containerPort: 15021 },
                ],
                readinessProbe: {
                  httpGet: { path: '/healthz/ready', port: 15021 },
                  initialDelaySeconds: 1,
                  periodSeconds: 2,
                },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '2', memory: '1Gi' },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      },
      spec: {
        type: 'LoadBalancer',
        selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
        ports: [
          { name: 'status-port', port: 15021, targetPort: 15021 },
          { name: 'http2', port: 80, targetPort: 8080 },
          { name: 'https', port: 443, targetPort: 8443 },
        ],
      },
    },
    {
      // The shared ingress Gateway: owned by the platform team, so it does
      // not carry any component's kubernetes-id label.
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [
          {
            port: { number: 80, name: 'http', protocol: 'HTTP' },
            hosts: [`*.${DEMO_DOMAIN}`],
          },
        ],
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: 'istio' },
      spec: {
        controllerName: 'istio.io/gateway-controller',
        description: 'The default Istio GatewayClass',
      },
    },
  ];
}
