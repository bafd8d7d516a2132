/*
 * Kubernetes resource quantities (`500m`, `128Mi`, `1.5`, `2e3`), as the API
 * server reads them: a signed decimal number and one suffix, binary
 * (Ki..Ei), decimal (n, u, m, k, M..E) or a decimal exponent (e3, E-2).
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const FACTORS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
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

const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([KMGTPE]i|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/**
 * The value of a Kubernetes quantity in base units (cores for CPU, bytes for
 * memory, plain numbers for metrics): `500m` is 0.5, `128Mi` is 134217728,
 * `2e3` is 2000. Numbers are returned as they are. Undefined for anything
 * the API server would reject, such as `128MB`, `100 m` or `1.2.3`.
 *
 * @public
 */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const m = QUANTITY.exec(value.trim());
  if (!m) {
    return undefined;
  }
  const number = Number(m[1]);
  if (m[3] !== undefined) {
    return number * 10 ** Number(m[3]);
  }
  return number * FACTORS[m[2] ?? ''];
}

/**
 * A quantity string for a value in base units, as controllers write them in
 * status fields: whole numbers plain (`3`), fractions in milli-units
 * (`0.25` is `250m`).
 *
 * @public
 */
export function formatQuantity(value: number): string {
  if (Number.isInteger(value)) {
    return String(value);
  }
  return `${Math.round(value * 1000)}m`;
}
