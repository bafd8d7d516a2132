/*
 * Kubernetes label selectors: the string form used by the
 * `backstage.io/kubernetes-label-selector` annotation and `kubectl -l`, and
 * the object form (`matchLabels`, `matchExpressions`) of workload specs.
 */

/** One requirement of a label selector. */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector: all requirements must hold. */
export interface LabelSelector {
  requirements: LabelRequirement[];
  /** Equality requirements (`key=value`), usable for index look-ups. */
  equalities: Array<[string, string]>;
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of selector) {
    if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    }
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

function build(requirements: LabelRequirement[]): LabelSelector {
  return {
    requirements,
    equalities: requirements
      .filter(r => r.operator === 'In' && r.values.length === 1)
      .map(r => [r.key, r.values[0]]),
  };
}

/**
 * Parses the string form: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
 * `a notin (x)`, `a`, `!a`, joined by commas. Throws on syntax errors.
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(selector)) {
    const absent = /^!\s*(\S+)$/.exec(part);
    const equality = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (absent) {
      requirements.push({
        key: absent[1],
        operator: 'DoesNotExist',
        values: [],
      });
    } else if (equality) {
      requirements.push({
        key: equality[1],
        operator: equality[2] === '!=' ? 'NotIn' : 'In',
        values: [equality[3]],
      });
    } else if (set) {
      requirements.push({
        key: set[1],
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values: set[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
    } else if (KEY.test(part)) {
      requirements.push({ key: part, operator: 'Exists', values: [] });
    } else {
      throw new Error(`Invalid label selector "${selector}" at "${part}"`);
    }
  }
  for (const r of requirements) {
    if (!KEY.test(r.key)) {
      throw new Error(`Invalid label key "${r.key}" in "${selector}"`);
    }
  }
  return build(requirements);
}

/** The object form of workload specs (Deployment.spec.selector). */
export function labelSelectorFromObject(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{
    key: string;
    operator: string;
    values?: string[];
  }>;
}): LabelSelector {
  const requirements: LabelRequirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({ key, operator: 'In', values: [value] }));
  for (const e of selector.matchExpressions ?? []) {
    if (['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(e.operator)) {
      requirements.push({
        key: e.key,
        operator: e.operator as LabelRequirement['operator'],
        values: e.values ?? [],
      });
    }
  }
  return build(requirements);
}

/** Whether labels satisfy every requirement. */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of selector.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(l[r.key])) {
          return false;
        }
        break;
      case 'NotIn':
        if (has && r.values.includes(l[r.key])) {
          return false;
        }
        break;
      case 'Exists':
        if (!has) {
          return false;
        }
        break;
      default:
        if (has) {
          return false;
        }
    }
  }
  return true;
}

/** `k=v,k2=v2` for messages. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
