/*
 * Per-kind API behaviour beyond the schema: defaulting (as the API server's
 * SetDefaults_* functions do) and the semantic validation the API server
 * and Istio's validating webhook perform, with the same field paths and
 * wording.
 */
import type { StatusCause } from './errors';
import {
  RBAC_KINDS,
  RBAC_VALIDATORS,
  defaultRbacObject,
  validatePathSegmentName,
} from '../rbac/validation';
import { fromLabelSelectorSpec, labelSelectorSpecToString } from './selectors';
import type { KubeObject } from '../types';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

type Causes = StatusCause[];

function required(field: string): StatusCause {
  return { reason: 'FieldValueRequired', message: 'Required value', field };
}

function invalidValue(field: string, value: unknown, why: string): StatusCause {
  const shown =
    typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${shown}: ${why}`,
    field,
  };
}

function immutable(field: string, value: unknown): StatusCause {
  return invalidValue(field, value, 'field is immutable');
}

function duplicate(field: string, value: unknown): StatusCause {
  return {
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${JSON.stringify(value)}`,
    field,
  };
}

/** Validates `metadata.name` the way the API server does for the kind. */
export function validateName(kind: string, name: unknown): Causes {
  if (RBAC_KINDS.has(kind)) return validatePathSegmentName(name);
  if (typeof name !== 'string' || name === '') {
    return [
      {
        reason: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      },
    ];
  }
  const label = kind === 'Namespace' || kind === 'Service';
  if (label) {
    if (name.length > 63 || !DNS1123_LABEL.test(name)) {
      return [
        invalidValue(
          'metadata.name',
          name,
          `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
        ),
      ];
    }
    if (kind === 'Service' && !/^[a-z]/.test(name)) {
      return [
        invalidValue(
          'metadata.name',
          name,
          `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
        ),
      ];
    }
    return [];
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    return [
      invalidValue(
        'metadata.name',
        name,
        `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ),
    ];
  }
  return [];
}

function validateLabels(obj: KubeObject): Causes {
  const causes: Causes = [];
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string') {
      causes.push(
        invalidValue(`metadata.labels`, v, 'label values must be strings'),
      );
    } else if (
      v.length > 63 ||
      !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)
    ) {
      causes.push(
        invalidValue(
          `metadata.labels`,
          v,
          `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        ),
      );
    }
    const name = k.includes('/') ? k.split('/')[1] : k;
    if (
      !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) ||
      name.length > 63
    ) {
      causes.push(
        invalidValue(
          'metadata.labels',
          k,
          `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        ),
      );
    }
  }
  return causes;
}

/** What the API server allows all annotations of one object to take. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

function validateAnnotations(obj: KubeObject): Causes {
  let size = 0;
  for (const [k, v] of Object.entries(obj.metadata.annotations ?? {})) {
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size <= TOTAL_ANNOTATION_SIZE_LIMIT) return [];
  return [
    {
      reason: 'FieldValueTooLong',
      message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
      field: 'metadata.annotations',
    },
  ];
}

// ---------------------------------------------------------------------------
// Defaulting

function defaultProbe(probe: any) {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) probe.httpGet.scheme ??= 'HTTP';
}

function defaultContainer(c: any) {
  if (!c || typeof c !== 'object') return;
  if (typeof c.image === 'string' && !c.imagePullPolicy) {
    const tag = c.image.includes('@')
      ? 'digest'
      : c.image.split('/').pop()!.split(':')[1];
    c.imagePullPolicy = !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
  }
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  if (Array.isArray(c.ports)) {
    for (const p of c.ports)
      if (p && typeof p === 'object') p.protocol ??= 'TCP';
  }
  defaultProbe(c.readinessProbe);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.startupProbe);
}

/** Defaults of a PodSpec. */
function defaultPodSpec(spec: any) {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const list of ['containers', 'initContainers']) {
    if (Array.isArray(spec[list])) spec[list].forEach(defaultContainer);
  }
}

function defaultTemplate(template: any) {
  if (template && typeof template === 'object') {
    template.metadata ??= {};
    defaultPodSpec(template.spec);
  }
}

const DEFAULTERS: Record<string, (o: any) => void> = {
  Namespace(o) {
    o.metadata.labels = {
      ...(o.metadata.labels ?? {}),
      'kubernetes.io/metadata.name': o.metadata.name,
    };
    o.spec ??= {};
    o.spec.finalizers ??= ['kubernetes'];
  },
  Deployment(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    o.spec.strategy ??= {};
    o.spec.strategy.type ??= 'RollingUpdate';
    if (o.spec.strategy.type === 'RollingUpdate') {
      o.spec.strategy.rollingUpdate ??= {};
      o.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      o.spec.strategy.rollingUpdate.maxSurge ??= '25%';
    }
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    defaultTemplate(o.spec.template);
  },
  ReplicaSet(o) {
    o.spec ??= {};
    o.spec.replicas ??= 1;
    defaultTemplate(o.spec.template);
  },
  Pod(o) {
    defaultPodSpec(o.spec);
  },
  Service(o) {
    const spec = (o.spec ??= {});
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    if (spec.type !== 'ExternalName') {
      spec.ipFamilies ??= ['IPv4'];
      spec.ipFamilyPolicy ??= 'SingleStack';
      spec.internalTrafficPolicy ??= 'Cluster';
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      spec.externalTrafficPolicy ??= 'Cluster';
    }
    if (spec.type === 'LoadBalancer') {
      spec.allocateLoadBalancerNodePorts ??= true;
    }
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!p || typeof p !== 'object') continue;
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
    }
  },
  HorizontalPodAutoscaler(o) {
    o.spec ??= {};
    o.spec.minReplicas ??= 1;
    // SetDefaults_HorizontalPodAutoscalerBehavior: a given behavior is completed.
    const behavior = o.spec.behavior;
    if (behavior && typeof behavior === 'object') {
      behavior.scaleUp ??= {};
      behavior.scaleUp.stabilizationWindowSeconds ??= 0;
      behavior.scaleUp.selectPolicy ??= 'Max';
      behavior.scaleUp.policies ??= [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ];
      behavior.scaleDown ??= {};
      behavior.scaleDown.selectPolicy ??= 'Max';
      behavior.scaleDown.policies ??= [
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ];
    }
    if (!o.spec.metrics || o.spec.metrics.length === 0) {
      o.spec.metrics = [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: 80 },
          },
        },
      ];
    }
  },
  HTTPRoute(o) {
    for (const rule of o.spec?.rules ?? []) {
      if (!rule || typeof rule !== 'object') continue;
      rule.matches ??= [{ path: { type: 'PathPrefix', value: '/' } }];
      for (const ref of rule.backendRefs ?? []) {
        if (!ref || typeof ref !== 'object') continue;
        ref.group ??= '';
        ref.kind ??= 'Service';
        ref.weight ??= 1;
      }
    }
  },
};

/** Applies the API server's defaults for the object's kind (in place). */
export function applyDefaults(obj: KubeObject, group: string) {
  const key = group === 'gateway.networking.k8s.io' ? obj.kind : obj.kind;
  if (group === 'networking.istio.io') return;
  if (group === 'rbac.authorization.k8s.io') {
    defaultRbacObject(obj);
    return;
  }
  if (group === 'gateway.networking.k8s.io' && obj.kind !== 'HTTPRoute') {
    if (obj.kind === 'Gateway') {
      for (const l of obj.spec?.listeners ?? []) {
        if (l && typeof l === 'object') {
          l.allowedRoutes ??= { namespaces: { from: 'Same' } };
        }
      }
    }
    return;
  }
  DEFAULTERS[key]?.(obj);
}

// ---------------------------------------------------------------------------
// Semantic validation

function percentOrInt(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+%$/.test(v)) return parseInt(v, 10);
  return undefined;
}

function validateContainers(spec: any, at: string): Causes {
  const causes: Causes = [];
  const containers = spec?.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    return [required(`${at}.containers`)];
  }
  const names = new Set<string>();
  containers.forEach((c: any, i: number) => {
    const p = `${at}.containers[${i}]`;
    if (!c || typeof c !== 'object') return;
    if (typeof c.name === 'string') {
      if (!DNS1123_LABEL.test(c.name)) {
        causes.push(
          invalidValue(
            `${p}.name`,
            c.name,
            `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
          ),
        );
      }
      if (names.has(c.name)) causes.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image) causes.push(required(`${p}.image`));
    const portNames = new Set<string>();
    (c.ports ?? []).forEach((port: any, j: number) => {
      const pp = `${p}.ports[${j}]`;
      if (
        typeof port?.containerPort === 'number' &&
        (port.containerPort < 1 || port.containerPort > 65535)
      ) {
        causes.push(
          invalidValue(
            `${pp}.containerPort`,
            port.containerPort,
            'must be between 1 and 65535, inclusive',
          ),
        );
      }
      if (typeof port?.name === 'string') {
        if (!IANA_SVC_NAME.test(port.name) || !/[a-z]/.test(port.name)) {
          causes.push(
            invalidValue(
              `${pp}.name`,
              port.name,
              'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-) and be no more than 15 characters',
            ),
          );
        }
        if (portNames.has(port.name)) {
          causes.push(duplicate(`${pp}.name`, port.name));
        }
        portNames.add(port.name);
      }
    });
  });
  return causes;
}

function validateWorkload(o: any, old: any | undefined): Causes {
  const causes: Causes = [];
  const spec = o.spec ?? {};
  if (typeof spec.replicas === 'number' && spec.replicas < 0) {
    causes.push(
      invalidValue(
        'spec.replicas',
        spec.replicas,
        'must be greater than or equal to 0',
      ),
    );
  }
  const selector = spec.selector;
  if (!selector) {
    causes.push(required('spec.selector'));
  } else if (
    Object.keys(selector.matchLabels ?? {}).length === 0 &&
    (selector.matchExpressions ?? []).length === 0
  ) {
    causes.push(
      invalidValue(
        'spec.selector',
        selector,
        'empty selector is invalid for deployment',
      ),
    );
  } else {
    const labels = spec.template?.metadata?.labels ?? {};
    if (!fromLabelSelectorSpec(selector).matches(labels)) {
      causes.push(
        invalidValue(
          'spec.template.metadata.labels',
          labels,
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  if (!spec.template) {
    causes.push(required('spec.template'));
  } else {
    causes.push(
      ...validateContainers(spec.template.spec, 'spec.template.spec'),
    );
    const rp = spec.template.spec?.restartPolicy;
    if (rp && rp !== 'Always') {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(
          rp,
        )}: supported values: "Always"`,
        field: 'spec.template.spec.restartPolicy',
      });
    }
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(selector)) {
    causes.push(
      immutable('spec.selector', labelSelectorSpecToString(selector)),
    );
  }
  return causes;
}

/** Istio's webhook: a port number is 1..65535 (0 or absent: unset). */
function istioPortCauses(field: string, port: unknown): Causes {
  if (typeof port !== 'number' || port === 0) return [];
  return port < 1 || port > 65535 || !Number.isInteger(port)
    ? [
        invalidValue(
          field,
          port,
          `port number ${port} must be in the range 1..65535`,
        ),
      ]
    : [];
}

const VALIDATORS: Record<string, (o: any, old?: any) => Causes> = {
  ...RBAC_VALIDATORS,
  Deployment(o, old) {
    const causes = validateWorkload(o, old);
    const strategy = o.spec?.strategy;
    if (strategy?.type === 'Recreate' && strategy.rollingUpdate) {
      causes.push({
        reason: 'FieldValueForbidden',
        message:
          "Forbidden: may not be specified when strategy `type` is 'Recreate'",
        field: 'spec.strategy.rollingUpdate',
      });
    }
    const ru = strategy?.rollingUpdate;
    if (ru) {
      const surge = percentOrInt(ru.maxSurge);
      const unavailable = percentOrInt(ru.maxUnavailable);
      if (ru.maxSurge !== undefined && surge === undefined) {
        causes.push(
          invalidValue(
            'spec.strategy.rollingUpdate.maxSurge',
            ru.maxSurge,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
          ),
        );
      }
      if (ru.maxUnavailable !== undefined && unavailable === undefined) {
        causes.push(
          invalidValue(
            'spec.strategy.rollingUpdate.maxUnavailable',
            ru.maxUnavailable,
            "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
          ),
        );
      }
      if (surge === 0 && unavailable === 0) {
        causes.push(
          invalidValue(
            'spec.strategy.rollingUpdate.maxUnavailable',
            ru.maxUnavailable,
            'may not be 0 when `maxSurge` is 0',
          ),
        );
      }
      if (typeof ru.maxUnavailable === 'string' && (unavailable ?? 0) > 100) {
        causes.push(
          invalidValue(
            'spec.strategy.rollingUpdate.maxUnavailable',
            ru.maxUnavailable,
            'must not be greater than 100%',
          ),
        );
      }
    }
    return causes;
  },
  ReplicaSet(o, old) {
    return validateWorkload(o, old);
  },
  Pod(o, old) {
    const causes = validateContainers(o.spec, 'spec');
    if (old) {
      const strip = (spec: any) =>
        JSON.stringify({
          ...spec,
          containers: (spec?.containers ?? []).map((c: any) => ({
            ...c,
            image: undefined,
          })),
          activeDeadlineSeconds: undefined,
          tolerations: undefined,
          nodeName: undefined,
        });
      if (strip(o.spec) !== strip(old.spec)) {
        causes.push({
          reason: 'FieldValueForbidden',
          message:
            'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          field: 'spec',
        });
      }
    }
    return causes;
  },
  Service(o, old) {
    const causes: Causes = [];
    const spec = o.spec ?? {};
    const types = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
    if (!types.includes(spec.type)) {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(
          spec.type,
        )}: supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
        field: 'spec.type',
      });
    }
    const ports = spec.ports ?? [];
    if (
      spec.type !== 'ExternalName' &&
      spec.clusterIP !== 'None' &&
      ports.length === 0
    ) {
      causes.push(required('spec.ports'));
    }
    const names = new Set<string>();
    ports.forEach((p: any, i: number) => {
      const at = `spec.ports[${i}]`;
      if (!p || typeof p !== 'object') return;
      if (ports.length > 1 && !p.name) causes.push(required(`${at}.name`));
      if (p.name) {
        if (names.has(p.name)) causes.push(duplicate(`${at}.name`, p.name));
        names.add(p.name);
      }
      if (typeof p.port === 'number' && (p.port < 1 || p.port > 65535)) {
        causes.push(
          invalidValue(
            `${at}.port`,
            p.port,
            'must be between 1 and 65535, inclusive',
          ),
        );
      }
      const tp = p.targetPort;
      if (typeof tp === 'number' && (tp < 1 || tp > 65535)) {
        causes.push(
          invalidValue(
            `${at}.targetPort`,
            tp,
            'must be between 1 and 65535, inclusive',
          ),
        );
      } else if (typeof tp === 'string' && !IANA_SVC_NAME.test(tp)) {
        causes.push(
          invalidValue(
            `${at}.targetPort`,
            tp,
            'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
          ),
        );
      }
      if (
        p.nodePort !== undefined &&
        spec.type !== 'NodePort' &&
        spec.type !== 'LoadBalancer'
      ) {
        causes.push({
          reason: 'FieldValueForbidden',
          message: "Forbidden: may not be used when `type` is 'ClusterIP'",
          field: `${at}.nodePort`,
        });
      }
    });
    if (spec.type === 'ExternalName' && !spec.externalName) {
      causes.push(required('spec.externalName'));
    }
    if (
      old &&
      old.spec?.clusterIP &&
      spec.clusterIP &&
      old.spec.clusterIP !== spec.clusterIP &&
      old.spec.type !== 'ExternalName' &&
      spec.type !== 'ExternalName'
    ) {
      causes.push(
        invalidValue(
          'spec.clusterIPs[0]',
          [spec.clusterIP],
          'may not change once set',
        ),
      );
    }
    return causes;
  },
  HorizontalPodAutoscaler(o) {
    const causes: Causes = [];
    const spec = o.spec ?? {};
    if (!spec.scaleTargetRef?.kind)
      causes.push(required('spec.scaleTargetRef.kind'));
    if (!spec.scaleTargetRef?.name)
      causes.push(required('spec.scaleTargetRef.name'));
    if (typeof spec.minReplicas === 'number' && spec.minReplicas < 1) {
      causes.push(
        invalidValue(
          'spec.minReplicas',
          spec.minReplicas,
          'must be greater than or equal to 1',
        ),
      );
    }
    if (typeof spec.maxReplicas === 'number' && spec.maxReplicas < 1) {
      causes.push(
        invalidValue(
          'spec.maxReplicas',
          spec.maxReplicas,
          'must be greater than 0',
        ),
      );
    } else if (
      typeof spec.maxReplicas === 'number' &&
      typeof spec.minReplicas === 'number' &&
      spec.maxReplicas < spec.minReplicas
    ) {
      causes.push(
        invalidValue(
          'spec.maxReplicas',
          spec.maxReplicas,
          'must be greater than or equal to `minReplicas`',
        ),
      );
    }
    (spec.metrics ?? []).forEach((m: any, i: number) => {
      const at = `spec.metrics[${i}]`;
      const source =
        m?.type &&
        m[
          {
            Resource: 'resource',
            Pods: 'pods',
            Object: 'object',
            External: 'external',
            ContainerResource: 'containerResource',
          }[m.type as string] ?? ''
        ];
      if (!source) {
        causes.push(
          required(
            `${at}.${String(m?.type ?? 'type').replace(/^./, c =>
              c.toLowerCase(),
            )}`,
          ),
        );
        return;
      }
      const target = source.target ?? {};
      if (target.type === 'Utilization') {
        if (typeof target.averageUtilization !== 'number') {
          causes.push(
            required(
              `${at}.${
                m.type === 'Resource' ? 'resource' : 'containerResource'
              }.target.averageUtilization`,
            ),
          );
        } else if (target.averageUtilization < 1) {
          causes.push(
            invalidValue(
              `${at}.resource.target.averageUtilization`,
              target.averageUtilization,
              'must be greater than 0',
            ),
          );
        }
      }
    });
    return causes;
  },
  VirtualService(o) {
    const causes: Causes = [];
    const spec = o.spec ?? {};
    if (!Array.isArray(spec.hosts) || spec.hosts.length === 0) {
      causes.push({
        reason: 'FieldValueRequired',
        message: 'Required value: virtual service must have at least one host',
        field: 'spec.hosts',
      });
    }
    for (const [section, routes] of [
      ['http', spec.http],
      ['tcp', spec.tcp],
      ['tls', spec.tls],
    ] as const) {
      (routes ?? []).forEach((r: any, i: number) => {
        const dests = r?.route ?? [];
        if (
          dests.length === 0 &&
          section === 'http' &&
          !r?.redirect &&
          !r?.directResponse
        ) {
          causes.push({
            reason: 'FieldValueRequired',
            message:
              'Required value: HTTP route, redirect or direct response is required',
            field: `spec.http[${i}].route`,
          });
        }
        let total = 0;
        dests.forEach((d: any, j: number) => {
          const at = `spec.${section}[${i}].route[${j}]`;
          if (!d?.destination?.host) {
            causes.push(required(`${at}.destination.host`));
          }
          causes.push(
            ...istioPortCauses(
              `${at}.destination.port.number`,
              d?.destination?.port?.number,
            ),
          );
          const weight = typeof d?.weight === 'number' ? d.weight : 0;
          if (weight < 0 || weight > 100) {
            causes.push(
              invalidValue(
                `${at}.weight`,
                weight,
                `percentage ${weight} is not in range 0..100`,
              ),
            );
          }
          total += weight;
        });
        // Istio's webhook: several destinations must share out exactly 100.
        if (dests.length > 1 && total !== 100) {
          causes.push(
            invalidValue(
              `spec.${section}[${i}].route`,
              total,
              `total destination weight ${total} != 100`,
            ),
          );
        }
      });
    }
    return causes;
  },
  DestinationRule(o) {
    const causes: Causes = [];
    const spec = o.spec ?? {};
    if (!spec.host) causes.push(required('spec.host'));
    const names = new Set<string>();
    (spec.subsets ?? []).forEach((s: any, i: number) => {
      if (!s?.name) causes.push(required(`spec.subsets[${i}].name`));
      else if (names.has(s.name)) {
        causes.push(duplicate(`spec.subsets[${i}].name`, s.name));
      } else names.add(s.name);
    });
    return causes;
  },
  Gateway(o) {
    const causes: Causes = [];
    if (o.apiVersion.startsWith('networking.istio.io/')) {
      const servers = o.spec?.servers;
      if (!Array.isArray(servers) || servers.length === 0) {
        causes.push({
          reason: 'FieldValueRequired',
          message: 'Required value: gateway must have at least one server',
          field: 'spec.servers',
        });
      }
      (servers ?? []).forEach((s: any, i: number) => {
        if (!s?.port) causes.push(required(`spec.servers[${i}].port`));
        causes.push(
          ...istioPortCauses(`spec.servers[${i}].port.number`, s?.port?.number),
        );
        if (!Array.isArray(s?.hosts) || s.hosts.length === 0) {
          causes.push({
            reason: 'FieldValueRequired',
            message:
              'Required value: server config must contain at least one host',
            field: `spec.servers[${i}].hosts`,
          });
        }
      });
    }
    return causes;
  },
};

/** Semantic validation of an object (and of the change from `old`). */
export function semanticCauses(obj: KubeObject, old?: KubeObject): Causes {
  const causes = [...validateLabels(obj), ...validateAnnotations(obj)];
  const fn = VALIDATORS[obj.kind];
  if (fn) causes.push(...fn(obj, old));
  return causes;
}
