/*
 * The container: image, port, replicas, resources, environment, health check.
 */
import { parseQuantity } from '@mesh-chain/plugin-mesh-common';
import {
  checkCpu,
  checkImage,
  checkMemory,
  checkPath,
} from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** Ports the Istio sidecar and its agent listen on inside every pod. */
const ISTIO_RESERVED_PORTS = [
  15000, 15001, 15004, 15006, 15008, 15009, 15020, 15021, 15053, 15090,
];

/** The image, port and replicas. */
function checkContainer(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format, range } = problems;
  format('image', spec.image, checkImage, 'ghcr.io/acme/checkout:1.4.2');
  range('containerPort', spec.containerPort, 1, 65535, 'a port');
  if (ISTIO_RESERVED_PORTS.includes(spec.containerPort)) {
    add(
      'containerPort',
      `${
        spec.containerPort
      } is one of the ports the Istio sidecar uses (${ISTIO_RESERVED_PORTS.join(
        ', ',
      )}); pick another port, e.g. 8080`,
    );
  }
  const autoscaled = spec.autoscaling?.enabled === true;
  if (!autoscaled) {
    range('replicas', spec.replicas, 1, 100, 'replicas');
  }
}

/** Requests and limits: formats, and a request no larger than its limit. */
function checkResources(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
  const requests = spec.resources?.requests;
  const limits = spec.resources?.limits;
  if (requests?.cpu !== undefined) {
    format('resources.requests.cpu', requests.cpu, checkCpu, '100m');
  }
  if (requests?.memory !== undefined) {
    format('resources.requests.memory', requests.memory, checkMemory, '128Mi');
  }
  if (limits?.cpu !== undefined) {
    format('resources.limits.cpu', limits.cpu, checkCpu, '500m');
  }
  if (limits?.memory !== undefined) {
    format('resources.limits.memory', limits.memory, checkMemory, '256Mi');
  }
  const reqCpu = requests?.cpu && parseQuantity(requests.cpu);
  const limCpu = limits?.cpu && parseQuantity(limits.cpu);
  if (reqCpu && limCpu && reqCpu > limCpu) {
    add(
      'resources.requests.cpu',
      `the request ${requests!.cpu} is more than the limit ${
        limits!.cpu
      }; Kubernetes rejects that, lower the request or raise the limit`,
    );
  }
  const reqMem = requests?.memory && parseQuantity(requests.memory);
  const limMem = limits?.memory && parseQuantity(limits.memory);
  if (reqMem && limMem && reqMem > limMem) {
    add(
      'resources.requests.memory',
      `the request ${requests!.memory} is more than the limit ${
        limits!.memory
      }; Kubernetes rejects that, lower the request or raise the limit`,
    );
  }
}

/** Environment variables and the health check path. */
function checkEnvironment(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format } = problems;
  const envNames = new Set<string>();
  (spec.env ?? []).forEach((e, i) => {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(e.name)) {
      add(
        `env[${i}].name`,
        `'${e.name}' is not a valid environment variable name; use letters, digits, "_", "-" and ".", not starting with a digit, e.g. LOG_LEVEL`,
      );
    }
    if (envNames.has(e.name)) {
      add(`env[${i}].name`, `'${e.name}' is set twice; keep one`);
    }
    envNames.add(e.name);
  });
  if (spec.healthCheckPath !== undefined) {
    format('healthCheckPath', spec.healthCheckPath, checkPath, '/healthz');
  }
}

/** The container and its resources. */
export function checkRuntime(spec: ChainSpec, problems: SpecProblems): void {
  checkContainer(spec, problems);
  checkResources(spec, problems);
  checkEnvironment(spec, problems);
}
