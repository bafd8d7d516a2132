/*
 * Percentiles from histogram buckets, the way PromQL's histogram_quantile
 * computes them (linear interpolation inside the bucket; the upper bound of
 * the last finite bucket when the rank falls in +Inf), so that a route's
 * latency can be summed from its destinations' buckets.
 */

/**
 * The `q` quantile (0..1) of cumulative buckets `{le, count}`; undefined
 * without observations.
 *
 * @public
 */
export function histogramQuantile(
  q: number,
  buckets: ReadonlyArray<{ le: number; count: number }>,
): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  if (sorted.length < 2 || sorted[sorted.length - 1].le !== Infinity) {
    return undefined;
  }
  // Cumulative counts can dip by float noise: make them monotonic.
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].count < sorted[i - 1].count) {
      sorted[i] = { ...sorted[i], count: sorted[i - 1].count };
    }
  }
  const total = sorted[sorted.length - 1].count;
  if (!(total > 0)) {
    return undefined;
  }
  const rank = q * total;
  let i = sorted.findIndex(b => b.count >= rank);
  if (i === sorted.length - 1) {
    return sorted[sorted.length - 2].le;
  }
  if (i < 0) i = sorted.length - 2;
  const upper = sorted[i];
  const lowerLe = i === 0 ? 0 : sorted[i - 1].le;
  const lowerCount = i === 0 ? 0 : sorted[i - 1].count;
  if (i === 0 && upper.le <= 0) {
    return upper.le;
  }
  const inBucket = upper.count - lowerCount;
  if (inBucket <= 0) {
    return upper.le;
  }
  return lowerLe + (upper.le - lowerLe) * ((rank - lowerCount) / inBucket);
}
