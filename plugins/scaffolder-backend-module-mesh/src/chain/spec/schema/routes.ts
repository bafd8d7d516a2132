/*
 * The inputs about the HTTP routes: paths, rewrites, timeouts, retries,
 * and whether calls inside the mesh take them too.
 */
import { Zod } from '../../../lib/zod';
import { durationHint } from './hints';

/** The fields of the routes. @public */
export function routeFields(z: Zod) {
  return {
    routes: z
      .array(
        z
          .object({
            path: z.string().describe('Path to match, e.g. `/` or `/api`.'),
            match: z
              .enum(['prefix', 'exact', 'regex'])
              .default('prefix')
              .describe('How the path is matched.'),
            rewrite: z
              .string()
              .optional()
              .describe(
                'Replace the matched path (prefix) with this before forwarding, e.g. `/`.',
              ),
            timeout: z
              .string()
              .optional()
              .describe(`Request timeout, ${durationHint}.`),
            retries: z
              .union([
                z
                  .number()
                  .int()
                  .describe(
                    'Retries per request (0-10), on the conditions Istio retries by default.',
                  ),
                z
                  .object({
                    attempts: z
                      .number()
                      .int()
                      .describe('Retries per request (0-10).'),
                    perTryTimeout: z
                      .string()
                      .optional()
                      .describe(`Timeout of each try, ${durationHint}.`),
                    retryOn: z
                      .string()
                      .optional()
                      .describe(
                        'When to retry, e.g. `5xx,connect-failure,reset`.',
                      ),
                  })
                  .strict(),
              ])
              .optional()
              .describe(
                'Retry policy: a number of attempts, or attempts with perTryTimeout and retryOn.',
              ),
          })
          .strict(),
      )
      .default([{ path: '/', match: 'prefix' }])
      .describe(
        'HTTP routes, first match wins: list more specific paths first.',
      ),
    meshRouting: z
      .boolean()
      .default(false)
      .describe(
        'Also apply the routes (and the version split) to calls from inside the mesh, by binding the VirtualService to `mesh` with the Service host.',
      ),
  };
}
