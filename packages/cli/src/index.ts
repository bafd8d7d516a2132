/**
 * mesh-chain: checks the Istio chains of Kubernetes manifests with the
 * chain engine of the mesh Backstage plugins, alone or against a live
 * cluster, and traces requests through them.
 *
 * @packageDocumentation
 */
import { processIo } from './io';
import { runCli } from './program';

export { runCli } from './program';
export { processIo } from './io';
export type { CliIo } from './io';
export { EXIT, InputError } from './errors';

/**
 * The `mesh-chain` command: runs with the process's arguments and streams
 * and resolves to the exit code.
 *
 * @public
 */
export async function main(argv: string[] = process.argv): Promise<number> {
  return runCli(argv.slice(2), processIo());
}
