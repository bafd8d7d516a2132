/*
 * Label and field selectors, with the syntax and error messages of
 * k8s.io/apimachinery/pkg/labels and pkg/fields.
 */
import { badRequest } from './errors';
import type { KubeObject } from '../types';

type Labels = Record<string, string> | undefined;

/** A parsed label selector; `matches` tests a label map. */
export interface LabelSelector {
  matches(labels: Labels): boolean;
  /** True when the selector selects everything. */
  empty: boolean;
  /** `key=value` pairs that every match must carry (for index lookups). */
  equalities: Array<[string, string]>;
}

type Requirement =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: Set<string> };

const EVERYTHING: LabelSelector = {
  matches: () => true,
  empty: true,
  equalities: [],
};

const NOTHING: LabelSelector = {
  matches: () => false,
  empty: false,
  equalities: [],
};

const KEY_RE =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function fromRequirements(reqs: Requirement[]): LabelSelector {
  if (reqs.length === 0) {
    return EVERYTHING;
  }
  const equalities: Array<[string, string]> = [];
  for (const r of reqs) {
    if (r.op === 'in' && r.values.size === 1) {
      equalities.push([r.key, [...r.values][0]]);
    }
  }
  return {
    empty: false,
    equalities,
    matches(labels) {
      for (const r of reqs) {
        const has = labels !== undefined && r.key in labels;
        switch (r.op) {
          case 'exists':
            if (!has) return false;
            break;
          case 'notexists':
            if (has) return false;
            break;
          case 'in':
            if (!has || !r.values.has(labels![r.key])) return false;
            break;
          case 'notin':
            if (has && r.values.has(labels![r.key])) return false;
            break;
          default:
        }
      }
      return true;
    },
  };
}

function parseError(selector: string, why: string) {
  return badRequest(
    `unable to parse requirement: ${why} (in label selector "${selector}")`,
  );
}

/**
 * Parses the string form (`app=web,tier!=db,env in (a,b),!legacy`).
 * Throws a 400 ApiError on bad syntax, like the API server.
 */
export function parseLabelSelector(
  selector: string | undefined,
): LabelSelector {
  const text = (selector ?? '').trim();
  if (!text) {
    return EVERYTHING;
  }
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);

  const reqs: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) {
      throw parseError(text, "found '', expected: identifier");
    }
    const not = part.match(/^!\s*([^\s=!()]+)$/);
    const set = part.match(/^([^\s=!()]+)\s+(in|notin)\s+\((.*)\)$/);
    const eq = part.match(/^([^\s=!()]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/);
    const exists = part.match(/^([^\s=!()]+)$/);
    if (not) {
      checkKey(text, not[1]);
      reqs.push({ op: 'notexists', key: not[1] });
    } else if (set) {
      checkKey(text, set[1]);
      const values = set[3].split(',').map(v => v.trim());
      values.forEach(v => checkValue(text, v));
      reqs.push({
        op: set[2] as 'in' | 'notin',
        key: set[1],
        values: new Set(values),
      });
    } else if (eq) {
      checkKey(text, eq[1]);
      checkValue(text, eq[3]);
      reqs.push({
        op: eq[2] === '!=' ? 'notin' : 'in',
        key: eq[1],
        values: new Set([eq[3]]),
      });
    } else if (exists) {
      checkKey(text, exists[1]);
      reqs.push({ op: 'exists', key: exists[1] });
    } else {
      throw parseError(text, `invalid requirement "${part}"`);
    }
  }
  return fromRequirements(reqs);
}

function checkKey(selector: string, key: string) {
  if (!KEY_RE.test(key) || key.split('/').pop()!.length > 63) {
    throw parseError(
      selector,
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(selector: string, value: string) {
  if (!VALUE_RE.test(value) || value.length > 63) {
    throw parseError(
      selector,
      `invalid label value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** A `metav1.LabelSelector` (`matchLabels` / `matchExpressions`). @public */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | string;
    values?: string[];
  }>;
}

/**
 * Converts a structured selector. `undefined` selects nothing (as for a
 * workload without a selector); `{}` selects everything.
 */
export function fromLabelSelectorSpec(
  spec: LabelSelectorSpec | undefined | null,
): LabelSelector {
  if (!spec) {
    return NOTHING;
  }
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(spec.matchLabels ?? {})) {
    reqs.push({ op: 'in', key, values: new Set([value]) });
  }
  for (const e of spec.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ op: 'in', key: e.key, values: new Set(e.values ?? []) });
        break;
      case 'NotIn':
        reqs.push({ op: 'notin', key: e.key, values: new Set(e.values ?? []) });
        break;
      case 'Exists':
        reqs.push({ op: 'exists', key: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ op: 'notexists', key: e.key });
        break;
      default:
        return NOTHING;
    }
  }
  return fromRequirements(reqs);
}

/** A Service-style selector: a plain map; empty or missing selects nothing. */
export function fromSelectorMap(
  map: Record<string, string> | undefined | null,
): LabelSelector {
  if (!map || Object.keys(map).length === 0) {
    return NOTHING;
  }
  return fromLabelSelectorSpec({ matchLabels: map });
}

/** The string form of a structured selector. */
export function labelSelectorSpecToString(
  spec: LabelSelectorSpec | undefined,
): string {
  if (!spec) return '';
  const parts = Object.entries(spec.matchLabels ?? {}).map(
    ([k, v]) => `${k}=${v}`,
  );
  for (const e of spec.matchExpressions ?? []) {
    const values = (e.values ?? []).slice().sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** A parsed field selector. */
export interface FieldSelector {
  matches(obj: KubeObject): boolean;
  empty: boolean;
  /** The value required for `metadata.name`, when the selector pins it. */
  name?: string;
  /** The value required for `metadata.namespace`, when pinned. */
  namespace?: string;
}

/** Extra field selector keys some kinds support, as the API server does. */
const KIND_FIELDS: Record<string, Record<string, (o: any) => unknown>> = {
  Pod: {
    'spec.nodeName': o => o.spec?.nodeName ?? '',
    'spec.restartPolicy': o => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': o => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': o => o.spec?.serviceAccountName ?? '',
    'status.phase': o => o.status?.phase ?? '',
    'status.podIP': o => o.status?.podIP ?? '',
  },
  Event: {
    'involvedObject.kind': o => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': o => o.involvedObject?.namespace ?? '',
    'involvedObject.name': o => o.involvedObject?.name ?? '',
    'involvedObject.uid': o => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': o => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': o =>
      o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': o => o.involvedObject?.fieldPath ?? '',
    reason: o => o.reason ?? '',
    reportingComponent: o => o.reportingComponent ?? '',
    source: o => o.source?.component ?? '',
    type: o => o.type ?? '',
  },
  Namespace: { 'status.phase': o => o.status?.phase ?? '' },
  ReplicaSet: { 'status.replicas': o => String(o.status?.replicas ?? 0) },
};

const COMMON_FIELDS: Record<string, (o: any) => unknown> = {
  'metadata.name': o => o.metadata?.name ?? '',
  'metadata.namespace': o => o.metadata?.namespace ?? '',
};

/** Parses `metadata.name=x,status.phase!=Running`. */
export function parseFieldSelector(
  selector: string | undefined,
  kind: string,
): FieldSelector {
  const text = (selector ?? '').trim();
  if (!text) {
    return { matches: () => true, empty: true };
  }
  const getters = { ...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? {}) };
  const reqs: Array<{ get: (o: any) => unknown; value: string; not: boolean }> =
    [];
  let name: string | undefined;
  let namespace: string | undefined;
  for (const part of text.split(',')) {
    const m = part.trim().match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) {
      throw badRequest(
        `invalid selector: '${text}'; can't understand '${part}'`,
      );
    }
    const [, field, op, value] = m;
    const get = getters[field];
    if (!get) {
      throw badRequest(
        `"${field}" is not a known field selector: only "${Object.keys(
          getters,
        ).join('", "')}"`,
      );
    }
    const not = op === '!=';
    if (!not && field === 'metadata.name') name = value;
    if (!not && field === 'metadata.namespace') namespace = value;
    reqs.push({ get, value, not });
  }
  return {
    empty: false,
    name,
    namespace,
    matches(obj) {
      return reqs.every(r => (String(r.get(obj)) === r.value) !== r.not);
    },
  };
}
