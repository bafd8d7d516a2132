/*
 * Which resource a Kubernetes REST path names:
 * `/api/{version}/[namespaces/{ns}/]{plural}[/{name}[/{subresource}]]` and
 * the same under `/apis/{group}/{version}`, for the kinds this cluster
 * serves; shorter paths are discovery.
 */
import { ResourceType, findByPath } from '../../api/resources';

/** A parsed resource request. */
export interface ResourceRoute {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/**
 * The resource the path segments name, `'discovery'` for a group or
 * version path, undefined for a path under `/api` or `/apis` that names no
 * served resource (and for any other path).
 */
export function routeOf(
  segments: string[],
  served: (t: ResourceType) => boolean,
): ResourceRoute | 'discovery' | undefined {
  if (segments[0] !== 'api' && segments[0] !== 'apis') return undefined;
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') {
    if (segments.length < 2) return 'discovery';
    group = '';
    version = segments[1];
    rest = segments.slice(2);
  } else {
    if (segments.length < 3) return 'discovery';
    group = segments[1];
    version = segments[2];
    rest = segments.slice(3);
  }
  if (rest.length === 0) return 'discovery';
  const servedType = (t?: ResourceType) => (t && served(t) ? t : undefined);
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const nsType = servedType(findByPath(group, version, rest[2]));
    if (nsType?.namespaced) {
      if (rest.length > 5) return undefined;
      return {
        type: nsType,
        version,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
      };
    }
  }
  const type = servedType(findByPath(group, version, rest[0]));
  if (!type || rest.length > 3) return undefined;
  if (type.namespaced && rest.length > 1) return undefined;
  return { type, version, name: rest[1], subresource: rest[2] };
}
