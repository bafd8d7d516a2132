/*
 * Formats Kubernetes, Istio and container registries accept, with the reason
 * a value is rejected, so that every message can name the rule and the fix.
 * Each check returns `undefined` when the value is fine, or what is wrong.
 */

import {
  isIstioProtocolPortName,
  re2Problem,
} from '@mesh-chain/plugin-mesh-common';
import { isIP } from 'net';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label: namespaces, most object names. @public */
export function checkDns1123Label(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 63) {
    return `is ${value.length} characters long; the limit is 63`;
  }
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lower case letters, digits and "-", and start and end with a letter or digit';
  }
  return undefined;
}

/** RFC 1035 label: Service names (must start with a letter). @public */
export function checkDns1035Label(value: string): string | undefined {
  const label = checkDns1123Label(value);
  if (label) {
    return label;
  }
  if (!DNS1035_LABEL.test(value)) {
    return 'must start with a lower case letter (Service names are RFC 1035 labels)';
  }
  return undefined;
}

/** RFC 1123 subdomain: Secret names, most object names. @public */
export function checkDns1123Subdomain(value: string): string | undefined {
  if (value.length === 0) {
    return 'must not be empty';
  }
  if (value.length > 253) {
    return `is ${value.length} characters long; the limit is 253`;
  }
  const bad = value.split('.').find(part => !DNS1123_LABEL.test(part));
  if (bad !== undefined) {
    return 'must be lower case letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
  }
  return undefined;
}

/** Kubernetes label value. @public */
export function checkLabelValue(value: string): string | undefined {
  if (value.length > 63) {
    return `is ${value.length} characters long; label values are limited to 63`;
  }
  if (value && !/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(value)) {
    return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/** Kubernetes label key: optional DNS subdomain prefix and a name. @public */
export function checkLabelKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && checkDns1123Subdomain(prefix)) {
    return `has an invalid prefix '${prefix}' (must be a DNS subdomain such as example.com)`;
  }
  if (!name || name.length > 63) {
    return 'must have a name part of 1-63 characters';
  }
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name)) {
    return 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

/**
 * A host a client sends, as Istio Gateway and VirtualService `hosts` take
 * it: a DNS name, optionally with a leading `*.` wildcard. No scheme, port
 * or path; `*` alone (every host) is not accepted for a single service.
 *
 * @public
 */
export function checkHost(value: string): string | undefined {
  if (isIP(value.replace(/^\[(.*)\]$/, '$1'))) {
    return 'is an IP address, which Istio does not take as a host here: Gateway and VirtualService hosts match the name clients send (the Host header, or SNI for TLS); write that DNS name and point its DNS record at the ingress gateway';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return 'must be a host name without a scheme (remove "http://" or "https://")';
  }
  if (value.includes('/')) {
    return 'must be a host name without a path (put paths under routes)';
  }
  if (value.includes(':')) {
    return 'must be a host name without a port (the gateway decides the port)';
  }
  if (value === '*') {
    return 'must name the service\'s host: "*" would take every host of the gateway';
  }
  if (value !== value.toLowerCase()) {
    return 'must be lower case';
  }
  const name = value.startsWith('*.') ? value.slice(2) : value;
  if (name.includes('*')) {
    return 'may only use "*" as the whole first label, e.g. *.example.com';
  }
  if (checkDns1123Subdomain(name)) {
    return 'must be a DNS name such as shop.example.com (letters, digits, "-" and ".")';
  }
  return undefined;
}

/** An HTTP path for a route match, rewrite or probe. @public */
export function checkPath(value: string): string | undefined {
  if (!value.startsWith('/')) {
    return 'must start with "/"';
  }
  if (/\s/.test(value)) {
    return 'must not contain spaces (percent-encode them as %20)';
  }
  if (value.includes('?') || value.includes('#')) {
    return 'must not contain a query string or fragment ("?" or "#")';
  }
  return undefined;
}

/**
 * A regular expression for an Istio `regex` match: RE2 syntax as Istio
 * checks it, compiled by the same function as the route simulation and the
 * diagnostics (`compileRe2` in mesh-common).
 *
 * @public
 */
export function checkRegex(value: string): string | undefined {
  const problem = re2Problem(value);
  if (!problem) {
    return undefined;
  }
  return `is not valid RE2, which Istio requires: ${
    problem.error
  }. ${problem.fix.replace(/\.$/, '')}`;
}

/**
 * A protobuf duration as Istio takes it (`5s`, `250ms`, `1m`, `1h`), at
 * least 1ms.
 *
 * @public
 */
export function checkDuration(value: string): string | undefined {
  const m = /^(\d+(?:\.\d+)?)(h|m|s|ms)$/.exec(value);
  if (!m) {
    return 'must be a duration such as 250ms, 5s, 1m or 1h';
  }
  const factor = { h: 3600_000, m: 60_000, s: 1000, ms: 1 }[
    m[2] as 'h' | 'm' | 's' | 'ms'
  ];
  if (Number(m[1]) * factor < 1) {
    return 'must be at least 1ms';
  }
  return undefined;
}

const CPU = /^(\d+(?:\.\d+)?|\.\d+)(m)?$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const MEMORY_FACTORS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** Parses a CPU quantity to cores, or `undefined` if malformed. @public */
export function parseCpu(value: string): number | undefined {
  const m = CPU.exec(value);
  if (!m) {
    return undefined;
  }
  return Number(m[1]) / (m[2] ? 1000 : 1);
}

/** Parses a memory quantity to bytes, or `undefined` if malformed. @public */
export function parseMemory(value: string): number | undefined {
  const m = MEMORY.exec(value);
  if (!m) {
    return undefined;
  }
  return Number(m[1]) * MEMORY_FACTORS[m[2] ?? ''];
}

/** @public */
export function checkCpu(value: string): string | undefined {
  const cores = parseCpu(value);
  if (cores === undefined) {
    return 'must be a CPU quantity such as 100m (0.1 core), 0.5 or 2';
  }
  if (cores <= 0) {
    return 'must be more than 0';
  }
  return undefined;
}

/** @public */
export function checkMemory(value: string): string | undefined {
  const bytes = parseMemory(value);
  if (bytes === undefined) {
    return /^\d+(\.\d+)?(mi|gi|ki|mb|gb|kb)$/i.test(value)
      ? 'must use Kubernetes units, which are case-sensitive: Ki, Mi, Gi (or k, M, G), e.g. 128Mi'
      : 'must be a memory quantity such as 128Mi or 1Gi';
  }
  if (bytes <= 0) {
    return 'must be more than 0';
  }
  return undefined;
}

// The grammar of github.com/distribution/reference.
const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST =
  '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/**
 * A container image reference (`[registry[:port]/]repository[:tag][@digest]`).
 *
 * @public
 */
export function checkImage(value: string): string | undefined {
  if (!value) {
    return 'must not be empty';
  }
  if (/\s/.test(value)) {
    return 'must not contain spaces';
  }
  if (/^[a-z]+:\/\//i.test(value)) {
    return 'must not have a scheme: write ghcr.io/acme/app:1.0, not https://ghcr.io/acme/app:1.0';
  }
  const m = REFERENCE.exec(value);
  if (!m) {
    const repository = value.split('@')[0].replace(/:[\w][\w.-]*$/, '');
    const path = repository.includes('/')
      ? repository.slice(repository.indexOf('/') + 1)
      : repository;
    if (path !== path.toLowerCase()) {
      return 'must have a lower case repository name (the registry host may have capitals, the path may not)';
    }
    return 'is not an image reference; expected [registry[:port]/]repository[:tag][@sha256:digest], e.g. ghcr.io/acme/checkout:1.4.2';
  }
  if (m[2].length > 255) {
    return 'has a repository name longer than 255 characters';
  }
  return undefined;
}

/**
 * Whether a Service port follows Istio's protocol selection convention:
 * `<protocol>[-<suffix>]` name, or an `appProtocol`.
 *
 * @public
 */
export function followsIstioPortNaming(port: {
  name?: string;
  appProtocol?: string;
}): boolean {
  if (port.appProtocol) {
    return true;
  }
  return isIstioProtocolPortName(port.name);
}
