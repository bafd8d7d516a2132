import type { Zod } from '../lib/zod';

/** The fields naming one object in the actions' outputs. */
export const objectRefFields = (z: Zod) => ({
  apiVersion: z.string().describe('API version.'),
  kind: z.string().describe('Kind.'),
  namespace: z.string().optional().describe('Namespace.'),
  name: z.string().describe('Name.'),
});
