/*
 * The versions that run side by side, and their traffic shares.
 */
import { checkDns1123Label, checkImage } from '../../../lib/formats';
import type { ChainSpec } from '../ChainSpec';
import type { SpecProblems } from './problems';

/** The versions and their weights. */
export function checkVersions(spec: ChainSpec, problems: SpecProblems): void {
  const { add, format, range } = problems;
  if (spec.versions.length === 0) {
    add(
      'versions',
      'is empty; give at least one version, e.g. [{ name: v1, weight: 100 }]',
    );
  }
  const versionNames = new Set<string>();
  let weights = 0;
  spec.versions.forEach((v, i) => {
    format(`versions[${i}].name`, v.name, checkDns1123Label, 'v1');
    if (versionNames.has(v.name)) {
      add(
        `versions[${i}].name`,
        `'${v.name}' is used twice; version names must be unique`,
      );
    }
    versionNames.add(v.name);
    if (v.image !== undefined) {
      format(
        `versions[${i}].image`,
        v.image,
        checkImage,
        'ghcr.io/acme/checkout:1.5.0',
      );
    }
    range(`versions[${i}].weight`, v.weight, 0, 100, 'a weight');
    weights += v.weight;
  });
  if (spec.versions.length > 0 && weights !== 100) {
    add(
      'versions',
      `the weights add up to ${weights}; they must add up to 100 (e.g. 90 and 10)`,
    );
  }
}
