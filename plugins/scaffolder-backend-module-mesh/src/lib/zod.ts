import { InputError } from '@backstage/errors';
import { z as zodV3 } from 'zod/v3';

/**
 * The zod API the scaffolder hands to action schemas (`zod/v3`, from the same
 * zod package `@backstage/plugin-scaffolder-node` uses). Schemas are written
 * against it, so that `createTemplateAction` infers the input types and the
 * handlers parse their input with the very same schemas.
 *
 * @public
 */
export type Zod = typeof zodV3;

/** The zod that parses inputs. */
export const z: Zod = zodV3;

/**
 * A schema that parses any input into a `T`, or fails naming the fields:
 * how the exported schemas are typed, so that their parsed type is a named,
 * documented type rather than one inferred from zod's builders.
 *
 * @public
 */
export type SchemaOf<T> = zodV3.ZodType<T, zodV3.ZodTypeDef, unknown>;

/** An object type with its members listed (intersections flattened). */
type Members<T> = { [K in keyof T]: T[K] };

/** `true` when A and B are the very same type, not merely assignable. */
type SameType<A, B> = (<X>() => X extends Members<A> ? 1 : 2) extends <
  X,
>() => X extends Members<B> ? 1 : 2
  ? true
  : false;

/**
 * Types a zod schema by its declared type `T`: `declaredAs<T>()(schema)`
 * does not compile unless what the schema parses to is exactly `T` (the
 * same fields, the same optional ones, the same types, at every depth). The
 * schema validates at run time; the declared type is what the API shows,
 * with its fields in the order written; and the two cannot drift apart. A
 * mismatch fails tsc at the call with "Expected 2 arguments, but got 1",
 * pointing at `schemaDisagreesWithDeclaredType`.
 */
export function declaredAs<T>() {
  return <S extends zodV3.ZodTypeAny>(
    schema: S,
    ..._agreement: SameType<zodV3.output<S>, T> extends true
      ? []
      : [schemaDisagreesWithDeclaredType: never]
  ): SchemaOf<T> => schema as unknown as SchemaOf<T>;
}

/** A field path as `a.b[0].c`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
    } else {
      out += out ? `.${part}` : part;
    }
  }
  return out;
}

/**
 * Parses an action input with a schema, turning every issue into one line
 * `<field>: <problem>` of an `InputError`.
 */
export function parseInput<T>(
  schema: {
    safeParse(value: unknown): zodV3.SafeParseReturnType<unknown, unknown>;
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data as T;
  }
  const lines = result.error.issues.map(issue => {
    const field = formatPath(issue.path) || '(input)';
    if (issue.code === 'invalid_type' && issue.received === 'undefined') {
      return `${field}: is required`;
    }
    if (issue.code === 'invalid_type') {
      return `${field}: must be ${issue.expected}, got ${issue.received}`;
    }
    if (issue.code === 'unrecognized_keys') {
      return `${field}: ${issue.message}; remove it or check its spelling`;
    }
    return `${field}: ${issue.message}`;
  });
  throw new InputError(
    `Invalid input for ${what}:\n${lines.map(l => `  - ${l}`).join('\n')}`,
  );
}
