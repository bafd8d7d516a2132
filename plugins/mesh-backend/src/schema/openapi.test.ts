import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import { spec } from './openapi.generated';

describe('openapi spec', () => {
  it('is generated from openapi.yaml (run `yarn generate:openapi` after editing it)', () => {
    const yaml = YAML.parse(
      fs.readFileSync(path.resolve(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(spec).toEqual(yaml);
  });

  it('documents every route the router serves', () => {
    expect(Object.keys(spec.paths).sort()).toEqual([
      '/clusters',
      '/entities/{kind}/{namespace}/{name}',
      '/entities/{kind}/{namespace}/{name}/route',
    ]);
  });
});
