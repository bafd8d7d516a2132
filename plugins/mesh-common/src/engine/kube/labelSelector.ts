/*
 * Kubernetes label selectors, in one place for every side of the chain.
 *
 * Kubernetes has two semantics for an empty selector, and each has its own
 * function here:
 * - a LabelSelector (`matchLabels`/`matchExpressions` of a Deployment, the
 *   `labels` of a DestinationRule subset, the string form of
 *   `backstage.io/kubernetes-label-selector` and `kubectl -l`) that is empty
 *   selects everything: {@link selectorMatches}, {@link matchLabelsMatch};
 * - a Service's `spec.selector` that is empty selects nothing (the Service
 *   gets no endpoints): {@link serviceSelectorMatches}.
 */

/** One requirement of a label selector. @public */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed label selector: all requirements must hold. @public */
export interface LabelSelector {
  requirements: LabelRequirement[];
  /** Equality requirements (`key=value`), usable for index look-ups. */
  equalities: Array<[string, string]>;
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
const OPERATORS: ReadonlyArray<LabelRequirement['operator']> = [
  'In',
  'NotIn',
  'Exists',
  'DoesNotExist',
];

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
 *
 * @public
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

/**
 * The object form of a LabelSelector (a Deployment's `spec.selector`):
 * `matchLabels` and `matchExpressions`. Empty selects everything; an
 * expression with an unknown operator is left out.
 *
 * @public
 */
export function labelSelectorFromSpec(
  spec:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{
          key: string;
          operator: string;
          values?: string[];
        }>;
      }
    | undefined,
): LabelSelector {
  const matchLabels =
    spec?.matchLabels && typeof spec.matchLabels === 'object'
      ? spec.matchLabels
      : {};
  const requirements: LabelRequirement[] = Object.entries(matchLabels).map(
    ([key, value]) => ({ key, operator: 'In', values: [String(value)] }),
  );
  for (const e of Array.isArray(spec?.matchExpressions)
    ? spec!.matchExpressions
    : []) {
    const operator = OPERATORS.find(o => o === e?.operator);
    if (operator && typeof e.key === 'string') {
      requirements.push({
        key: e.key,
        operator,
        values: Array.isArray(e.values) ? e.values.map(String) : [],
      });
    }
  }
  return build(requirements);
}

/**
 * The selector of an equality map (`{app: reviews}` is `app=reviews`).
 *
 * @public
 */
export function equalitySelector(
  labels: Record<string, string> | undefined,
): LabelSelector {
  return labelSelectorFromSpec({ matchLabels: labels });
}

/**
 * The selector of objects that carry a label key, whatever its value.
 *
 * @public
 */
export function labelExists(key: string): LabelSelector {
  return build([{ key, operator: 'Exists', values: [] }]);
}

/**
 * Whether labels satisfy every requirement of a LabelSelector. An empty
 * selector selects everything.
 *
 * @public
 */
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

/**
 * Whether labels carry every key/value of a LabelSelector's `matchLabels`
 * or a DestinationRule subset's `labels`. Empty (or missing) selects
 * everything.
 *
 * @public
 */
export function matchLabelsMatch(
  matchLabels: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!matchLabels || typeof matchLabels !== 'object') {
    return true;
  }
  for (const key of Object.keys(matchLabels)) {
    if (!labels || labels[key] !== matchLabels[key]) {
      return false;
    }
  }
  return true;
}

/**
 * Whether a Service's `spec.selector` selects a pod with these labels. An
 * empty (or missing) selector selects nothing: such a Service has no
 * endpoints of its own. The engine reads an Istio Gateway's
 * `spec.selector` the same way.
 *
 * @public
 */
export function serviceSelectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  return (
    !!selector &&
    typeof selector === 'object' &&
    Object.keys(selector).length > 0 &&
    matchLabelsMatch(selector, labels)
  );
}

/**
 * `k=v,k2=v2`, for messages.
 *
 * @public
 */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

/**
 * The string form of a selector, as `?labelSelector=` and `kubectl -l`
 * take it; {@link parseLabelSelector} reads it back.
 *
 * @public
 */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements
    .map(r => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1
            ? `${r.key}=${r.values[0]}`
            : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1
            ? `${r.key}!=${r.values[0]}`
            : `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(',');
}
