import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  Entity,
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import fs from 'fs/promises';
import path from 'path';
import { pathToFileURL } from 'url';
import YAML from 'yaml';
import { declaredAs, parseInput, z as zod, Zod } from '../lib/zod';
import { examples } from './registerLocal.examples';
import type { RegisterLocalInput, RegisterLocalOutput } from './types';

const inputSchema = (z: Zod) =>
  declaredAs<RegisterLocalInput>()(
    z
      .object({
        catalogInfoPath: z
          .string()
          .default('catalog-info.yaml')
          .describe(
            'The entity file in the workspace (e.g. written by catalog:write or fetch:template). Ignored when `entity` is given.',
          ),
        entity: z
          .record(z.any())
          .optional()
          .describe('The entity itself, instead of a file.'),
        replace: z
          .boolean()
          .default(false)
          .describe(
            "Overwrite an entity this action registered before with different content (otherwise that is refused, so that one template run cannot overwrite another's component).",
          ),
        waitForEntity: z
          .boolean()
          .default(true)
          .describe('Wait until the catalog has ingested the entity.'),
        timeoutSeconds: z
          .number()
          .int()
          .default(60)
          .describe('How long to wait for the entity (1-300 seconds).'),
      })
      .strict(),
  );

const outputSchema = (z: Zod) =>
  declaredAs<RegisterLocalOutput>()(
    z.object({
      entityRef: z
        .string()
        .describe(
          'Reference of the registered entity, e.g. component:default/checkout.',
        ),
      catalogInfoUrl: z
        .string()
        .describe(
          'The file the catalog reads the entity from, as a file: location.',
        ),
    }),
  );

/** Options of {@link createRegisterLocalAction}. @public */
export interface RegisterLocalActionOptions {
  catalog: CatalogService;
  config: Config;
  /** How often to poll the catalog while waiting (default 1000 ms). */
  pollIntervalMs?: number;
}

const validator = makeValidator();

/**
 * Where `mesh:catalog:register-local` writes entity files
 * (`mesh.scaffolder.catalog.directory`, resolved like the catalog resolves
 * `file` locations: relative to the backend's working directory), and the
 * Location entity that covers `<directory>/*.yaml`
 * (`mesh.scaffolder.catalog.location`).
 *
 * @public
 */
export function readLocalCatalogConfig(
  config: Config,
): { directory: string; locationRef: string } | undefined {
  const directory = config.getOptionalString(
    'mesh.scaffolder.catalog.directory',
  );
  const location = config.getOptionalString('mesh.scaffolder.catalog.location');
  if (!directory || !location) {
    return undefined;
  }
  let locationRef: string;
  try {
    const ref = parseEntityRef(location, {
      defaultKind: 'location',
      defaultNamespace: 'default',
    });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'location') {
      throw new Error('not a Location');
    }
    locationRef = stringifyEntityRef(ref);
  } catch {
    throw new InputError(
      `mesh.scaffolder.catalog.location: '${location}' is not a Location entity reference, e.g. location:default/mesh-local-components`,
    );
  }
  return { directory: path.resolve(directory), locationRef };
}

/**
 * The targets of a `file` Location entity, as absolute paths: relative
 * targets are relative to the file the Location was read from.
 */
function fileTargets(location: Entity): string[] {
  const spec = (location.spec ?? {}) as {
    type?: string;
    target?: string;
    targets?: string[];
  };
  const own = location.metadata.annotations?.[ANNOTATION_LOCATION] ?? '';
  const base = own.startsWith('file:') ? path.dirname(own.slice(5)) : '/';
  return [...(spec.target ? [spec.target] : []), ...(spec.targets ?? [])].map(
    t => path.resolve(base, t),
  );
}

/**
 * The file an entity is written to: `<kind>.<namespace>.<name>.yaml` inside
 * the configured directory. The parts are valid catalog names already (no
 * "/", no ".." alone), and the path is checked to stay in the directory all
 * the same.
 */
function entityFilePath(
  directory: string,
  kind: string,
  namespace: string,
  name: string,
): string {
  const fileName = `${kind}.${namespace}.${name}.yaml`.toLocaleLowerCase(
    'en-US',
  );
  try {
    return resolveSafeChildPath(directory, fileName);
  } catch {
    throw new InputError(
      `The entity file name '${fileName}' would leave mesh.scaffolder.catalog.directory; use a kind, namespace and name without path separators`,
    );
  }
}

/**
 * Registers an entity in the catalog without a Git host: writes it into a
 * directory on the backend that a `file` catalog location covers, refreshes
 * that location and waits until the entity is in the catalog. For portals
 * without a Git integration (local development, demos); with one, publish
 * with the publish:* actions and use catalog:register instead.
 *
 * @public
 */
export function createRegisterLocalAction(
  options: RegisterLocalActionOptions,
): TemplateAction<RegisterLocalInput, RegisterLocalOutput, 'v2'> {
  const { catalog, config } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;

  return createTemplateAction({
    id: 'mesh:catalog:register-local',
    description:
      'Registers an entity in the catalog without a Git host, through a file location on the backend (mesh.scaffolder.catalog.directory), and waits until the catalog has it. Refuses to overwrite an entity registered by someone else.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInput<RegisterLocalInput>(
        inputSchema(zod),
        ctx.input,
        'mesh:catalog:register-local',
      );
      if (input.timeoutSeconds < 1 || input.timeoutSeconds > 300) {
        throw new InputError(
          `timeoutSeconds: ${input.timeoutSeconds} is out of range; use 1-300`,
        );
      }
      const local = readLocalCatalogConfig(config);
      if (!local) {
        throw new InputError(
          'mesh:catalog:register-local is not configured: set mesh.scaffolder.catalog.directory and mesh.scaffolder.catalog.location (a Location entity of type file with presence optional and the target <directory>/*.yaml) in app-config.yaml, or register through a Git host with publish:* and catalog:register',
        );
      }

      // The entity
      let entity: Entity;
      let source: string;
      if (input.entity) {
        entity = input.entity as unknown as Entity;
        source = 'entity';
      } else {
        let file: string;
        try {
          file = resolveSafeChildPath(ctx.workspacePath, input.catalogInfoPath);
        } catch {
          throw new InputError(
            `catalogInfoPath: '${input.catalogInfoPath}' is outside the workspace`,
          );
        }
        let text: string;
        try {
          text = await fs.readFile(file, 'utf8');
        } catch {
          throw new InputError(
            `catalogInfoPath: '${input.catalogInfoPath}' does not exist in the workspace; write it first (catalog:write or fetch:template)`,
          );
        }
        const docs = YAML.parseAllDocuments(text).filter(
          d => d.contents !== null,
        );
        if (docs.length !== 1 || docs[0].errors.length > 0) {
          throw new InputError(
            `catalogInfoPath: '${
              input.catalogInfoPath
            }' must hold exactly one entity as valid YAML${
              docs[0]?.errors[0] ? ` (${docs[0].errors[0].message})` : ''
            }`,
          );
        }
        entity = docs[0].toJS();
        source = input.catalogInfoPath;
      }
      const name = entity?.metadata?.name;
      const namespace = entity?.metadata?.namespace ?? 'default';
      if (
        typeof entity?.apiVersion !== 'string' ||
        typeof entity?.kind !== 'string' ||
        typeof name !== 'string'
      ) {
        throw new InputError(
          `${source}: an entity needs apiVersion, kind and metadata.name`,
        );
      }
      if (!validator.isValidApiVersion(entity.apiVersion)) {
        throw new InputError(
          `${source}: apiVersion '${entity.apiVersion}' is not a valid apiVersion (a group and a version, e.g. backstage.io/v1alpha1)`,
        );
      }
      if (!validator.isValidKind(entity.kind)) {
        throw new InputError(
          `${source}: kind '${entity.kind}' is not a valid kind (letters and digits, starting with a letter, at most 63 characters, e.g. Component)`,
        );
      }
      if (!validator.isValidEntityName(name)) {
        throw new InputError(
          `${source}: metadata.name '${name}' is not a valid entity name (letters, digits, "-", "_" and ".", at most 63 characters)`,
        );
      }
      if (!validator.isValidNamespace(namespace)) {
        throw new InputError(
          `${source}: metadata.namespace '${namespace}' is not a valid namespace`,
        );
      }
      if (entity.kind === 'Location') {
        throw new InputError(
          `${source}: Location entities are not registered by this action`,
        );
      }
      const entityRef = stringifyEntityRef(entity);
      const filePath = entityFilePath(
        local.directory,
        entity.kind,
        namespace,
        name,
      );
      const catalogInfoUrl = `file:${filePath}`;
      const credentials = await ctx.getInitiatorCredentials();

      // Let the catalog validate it as it would when ingesting it.
      // The catalog's validate endpoint only takes url: location refs.
      const validation = await catalog.validateEntity(
        entity,
        `url:${pathToFileURL(filePath)}`,
        { credentials },
      );
      if (!validation.valid) {
        throw new InputError(
          `The catalog rejects ${entityRef}: ${validation.errors
            .map(e => e.message)
            .join('; ')}`,
        );
      }

      // Someone else's entity with that name?
      const existing = await catalog.getEntityByRef(entityRef, { credentials });
      const existingLocation =
        existing?.metadata.annotations?.['backstage.io/managed-by-location'];
      if (existing && existingLocation !== catalogInfoUrl) {
        throw new ConflictError(
          `${entityRef} already exists in the catalog (from ${
            existingLocation ?? 'another location'
          }); choose another name`,
        );
      }
      const content = YAML.stringify(entity);
      const previous = await fs
        .readFile(filePath, 'utf8')
        .catch(() => undefined);
      if (previous !== undefined && previous !== content && !input.replace) {
        throw new ConflictError(
          `${entityRef} was registered before by this action with different content (${filePath}); choose another name, or set replace to overwrite it`,
        );
      }

      const { locationRef } = local;
      const location = await catalog.getEntityByRef(locationRef, {
        credentials,
      });
      const wanted = path.join(local.directory, '*.yaml');
      if (!location) {
        throw new InputError(
          `The catalog has no ${locationRef} (mesh.scaffolder.catalog.location), so it would never read the entity. Register a Location entity of type file with presence optional and the target ${wanted} under catalog.locations`,
        );
      }
      const targets = fileTargets(location);
      if (
        (location.spec as { type?: string })?.type !== 'file' ||
        !targets.includes(wanted)
      ) {
        throw new InputError(
          `${locationRef} does not read ${wanted}, where mesh.scaffolder.catalog.directory puts the entity (its targets: ${
            targets.join(', ') || 'none'
          }); make the Location's type file and its target ${wanted}`,
        );
      }

      ctx.output('entityRef', entityRef);
      ctx.output('catalogInfoUrl', catalogInfoUrl);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: ${entityRef} would be written to ${filePath} and registered through ${locationRef}`,
        );
        return;
      }

      await ctx.checkpoint({
        key: `mesh.register-local.${entityRef}`,
        fn: async () => {
          await fs.mkdir(local.directory, { recursive: true });
          if (previous !== content) {
            // Write then rename, so the catalog never reads half a file.
            const tmp = `${filePath}.${process.pid}.tmp`;
            await fs.writeFile(tmp, content, 'utf8');
            await fs.rename(tmp, filePath);
          }
          await catalog.refreshEntity(locationRef, { credentials });
          ctx.logger.info(
            `Wrote ${entityRef} to ${filePath} and refreshed ${locationRef}`,
          );
        },
      });

      if (!input.waitForEntity) {
        return;
      }
      const deadline = Date.now() + input.timeoutSeconds * 1000;
      for (;;) {
        const found = await catalog.getEntityByRef(entityRef, { credentials });
        if (
          found &&
          found.metadata.annotations?.['backstage.io/managed-by-location'] ===
            catalogInfoUrl
        ) {
          ctx.logger.info(`${entityRef} is in the catalog`);
          return;
        }
        if (Date.now() + pollIntervalMs > deadline) {
          throw new ConflictError(
            `${entityRef} did not appear in the catalog within ${input.timeoutSeconds}s although ${filePath} was written and ${locationRef} refreshed; check the catalog's processing errors for that file (it stays, so the entity may still appear)`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, pollIntervalMs));
      }
    },
  });
}
