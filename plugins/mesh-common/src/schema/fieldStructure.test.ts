import {
  checkFields,
  FieldStructure,
  pruneUnknownFields,
  SchemaValidationError,
} from './fieldStructure';

/*
 * A validator written the way ajv compiles one (reads each declared
 * property, enumerates a map's keys, reports type errors at the value's
 * JSON pointer), for a schema shaped like a small Deployment.
 */
type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  anyOf?: Schema[];
};

const str: Schema = { type: 'string' };
const intOrString: Schema = { anyOf: [{ type: 'integer' }, str] };
const schema: Schema = {
  type: 'object',
  properties: {
    apiVersion: str,
    kind: str,
    metadata: {
      type: 'object',
      properties: {
        name: str,
        labels: { type: 'object', additionalProperties: str },
      },
    },
    spec: {
      type: 'object',
      required: ['template'],
      properties: {
        replicas: { type: 'integer' },
        template: {
          type: 'object',
          properties: {
            containers: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  name: str,
                  port: intOrString,
                  env: {
                    type: 'object',
                    additionalProperties: {
                      type: 'object',
                      properties: { value: str },
                    },
                  },
                },
              },
            },
          },
        },
        extra: { type: 'object' },
      },
    },
    status: {
      type: 'object',
      properties: { conditions: { type: 'array', items: str } },
    },
  },
};

function validate(
  s: Schema,
  data: any,
  at: string,
  errors: SchemaValidationError[],
) {
  const typeOf = (v: any) => {
    if (Array.isArray(v)) return 'array';
    if (Number.isInteger(v)) return 'integer';
    return v === null ? 'null' : typeof v;
  };
  if (s.type && ![s.type].flat().includes(typeOf(data))) {
    errors.push({
      instancePath: at,
      keyword: 'type',
      params: { type: s.type },
    });
  }
  if (s.anyOf) {
    const branches = s.anyOf.map(b => {
      const e: SchemaValidationError[] = [];
      validate(b, data, at, e);
      return e;
    });
    if (branches.every(b => b.length > 0)) {
      errors.push(...branches.flat(), { instancePath: at, keyword: 'anyOf' });
    }
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    for (const r of s.required ?? []) {
      if (data[r] === undefined) {
        errors.push({ instancePath: at, keyword: 'required' });
      }
    }
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (data[k] !== undefined) validate(p, data[k], `${at}/${k}`, errors);
    }
    if (s.additionalProperties) {
      // eslint-disable-next-line guard-for-in
      for (const k in data) {
        validate(s.additionalProperties, data[k], `${at}/${k}`, errors);
      }
    }
  }
  if (Array.isArray(data) && s.items) {
    data.forEach((v, i) => validate(s.items!, v, `${at}/${i}`, errors));
  }
}

const structure = (freeForm?: string[]) =>
  new FieldStructure(
    value => {
      const errors: SchemaValidationError[] = [];
      validate(schema, value, '', errors);
      return errors;
    },
    { freeForm },
  );

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', 'example.com/team': 'a' } },
  spec: {
    replicas: 2,
    template: {
      containers: [
        { name: 'web', port: 8080, env: { MODE: { value: 'x' } } },
        { name: 'side', port: 'http' },
      ],
    },
    extra: { anything: { goes: [1] } },
  },
};

describe('FieldStructure', () => {
  it('tells objects, maps, lists, plain values and free-form objects apart', () => {
    const s = structure();
    expect(s.shapeAt([])).toEqual({
      kind: 'object',
      fields: new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']),
    });
    expect(s.shapeAt(['metadata', 'labels'])).toEqual({ kind: 'map' });
    expect(s.shapeAt(['metadata', 'labels', '*'])).toEqual({
      kind: 'value',
      types: ['string'],
    });
    expect(s.shapeAt(['spec', 'template', 'containers'])).toEqual({
      kind: 'list',
    });
    expect(s.shapeAt(['spec', 'template', 'containers', 0, 'port'])).toEqual({
      kind: 'value',
      types: ['integer', 'string'],
    });
    expect(
      s.shapeAt(['spec', 'template', 'containers', 0, 'env', '*']),
    ).toEqual({ kind: 'object', fields: new Set(['value']) });
    expect(s.shapeAt(['spec', 'extra'])).toEqual({ kind: 'any' });
  });

  it('finds nothing wrong with an object that keeps to the schema', () => {
    expect(checkFields(structure(), deployment)).toEqual({
      unknown: [],
      misshapen: [],
    });
  });

  it('names every unknown field by its path, inside lists and maps too', () => {
    const typos = {
      ...deployment,
      metadata: { ...deployment.metadata, labelz: {} },
      spec: {
        ...deployment.spec,
        replica: 3,
        template: {
          containers: [
            { name: 'web', imagePullPolice: 'Always' },
            { name: 'side', env: { MODE: { valeu: 'x' } } },
          ],
        },
      },
    };
    const { unknown } = checkFields(structure(), typos);
    expect(unknown[0].known).toEqual(['name', 'labels']);
    expect(unknown.map(u => u.path)).toEqual([
      'metadata.labelz',
      'spec.template.containers[0].imagePullPolice',
      'spec.template.containers[1].env.MODE.valeu',
      'spec.replica',
    ]);
  });

  it('reports values of the wrong shape instead of looking inside them', () => {
    const malformed = {
      metadata: { labels: ['app'] },
      spec: {
        template: { containers: { name: 'web' } },
        replicas: { value: 2 },
      },
    };
    expect(checkFields(structure(), malformed)).toEqual({
      unknown: [],
      misshapen: [
        { path: 'metadata.labels', expected: 'object', got: 'list' },
        { path: 'spec.template.containers', expected: 'list', got: 'object' },
        { path: 'spec.replicas', expected: 'value', got: 'object' },
      ],
    });
  });

  it('leaves places marked free-form alone', () => {
    const withStatus = { ...deployment, status: { observed: true } };
    expect(checkFields(structure(), withStatus).unknown).toEqual([
      { path: 'status.observed', known: ['conditions'] },
    ]);
    expect(checkFields(structure(['status']), withStatus).unknown).toEqual([]);
  });

  it('prunes unknown fields and keeps everything else, without changing its input', () => {
    const typos = {
      ...deployment,
      spec: {
        ...deployment.spec,
        replica: 3,
        template: {
          containers: [{ name: 'web', imagePullPolice: 'Always', port: 80 }],
        },
      },
    };
    const pruned = pruneUnknownFields(structure(), typos);
    expect(pruned).toEqual({
      ...deployment,
      spec: {
        ...deployment.spec,
        template: { containers: [{ name: 'web', port: 80 }] },
      },
    });
    expect(typos.spec.replica).toBe(3);
    expect(pruneUnknownFields(structure(), deployment)).toEqual(deployment);
  });
});
