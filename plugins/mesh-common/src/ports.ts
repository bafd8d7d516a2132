/**
 * Istio's protocol selection by Service port name: `<protocol>[-<suffix>]`
 * (https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/).
 */

/**
 * The protocols Istio recognises in a Service port's name or `appProtocol`.
 *
 * @public
 */
export const ISTIO_PORT_PROTOCOLS: readonly string[] = [
  'http',
  'http2',
  'https',
  'grpc',
  'grpc-web',
  'tcp',
  'tls',
  'mongo',
  'mysql',
  'redis',
  'udp',
];

/**
 * Whether a Service port's name selects a protocol the Istio way
 * (`http`, `http-web`, `grpc-api`, ...).
 *
 * @public
 */
export function isIstioProtocolPortName(name: string | undefined): boolean {
  return (
    !!name &&
    ISTIO_PORT_PROTOCOLS.some(p => name === p || name.startsWith(`${p}-`))
  );
}
