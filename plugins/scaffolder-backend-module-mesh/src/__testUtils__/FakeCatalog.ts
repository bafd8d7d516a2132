import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';

/**
 * The parts of the catalog `mesh:catalog:register-local` uses. Refreshing a
 * `file` location entity reads the YAML files its glob (`<dir>/*.yaml`)
 * covers, like the catalog's FileReaderProcessor, after `ingestDelayMs`.
 */
export class FakeCatalog {
  entities = new Map<string, Entity>();
  refreshed: string[] = [];
  ingestDelayMs = 0;
  invalid?: string;

  /** A Location entity read from `file`, with `targets` as written. */
  addFileLocation(name: string, file: string, targets: string[]) {
    this.entities.set(`location:default/${name}`, {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'backstage.io/managed-by-location': `file:${file}` },
      },
      spec: { type: 'file', presence: 'optional', targets },
    });
  }

  async getEntityByRef(ref: string) {
    return this.entities.get(ref);
  }

  async validateEntity(_entity: Entity, _location: string) {
    return this.invalid
      ? {
          valid: false as const,
          errors: [{ name: 'InputError', message: this.invalid }],
        }
      : { valid: true as const };
  }

  async refreshEntity(ref: string) {
    this.refreshed.push(ref);
    const location = this.entities.get(ref);
    const file = location?.metadata.annotations?.[
      'backstage.io/managed-by-location'
    ]?.replace(/^file:/, '');
    const targets = ((location?.spec as any)?.targets ?? []) as string[];
    const ingest = () => {
      if (!file || targets.length !== 1) return;
      const dir = path.dirname(path.resolve(path.dirname(file), targets[0]));
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        if (!name.endsWith('.yaml')) continue;
        const full = path.join(dir, name);
        const entity = YAML.parse(fs.readFileSync(full, 'utf8')) as Entity;
        entity.metadata.namespace ??= 'default';
        entity.metadata.annotations = {
          ...entity.metadata.annotations,
          'backstage.io/managed-by-location': `file:${full}`,
        };
        this.entities.set(stringifyEntityRef(entity), entity);
      }
    };
    setTimeout(ingest, this.ingestDelayMs).unref();
  }
}
