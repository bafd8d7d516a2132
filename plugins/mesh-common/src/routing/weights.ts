/**
 * The share of traffic (percent, 0-100) each weighted destination of one
 * route receives. One destination receives everything whatever its weight;
 * otherwise the proxy splits in proportion to the weights (Istio asks for a
 * sum of 100 but Envoy treats weights as relative). An all-zero split
 * receives nothing.
 *
 * @public
 */
export function trafficShares(weights: Array<number | undefined>): number[] {
  if (weights.length === 1) {
    return [100];
  }
  const values = weights.map(w => (w && w > 0 ? w : 0));
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum === 0) {
    return values.map(() => 0);
  }
  return values.map(w => Math.round((w / sum) * 10000) / 100);
}

/** The sum of the weights as written (absent counts as 0). @public */
export function weightSum(weights: Array<number | undefined>): number {
  return weights.reduce<number>((a, b) => a + (b ?? 0), 0);
}
