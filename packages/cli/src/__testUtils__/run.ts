import path from 'node:path';
import { runCli } from '../program';

/** The package directory: fixture paths in the tests are relative to it. */
export const PACKAGE_DIR = path.resolve(__dirname, '../..');

/** Runs the command line in-process and collects what it writes. */
export async function run(
  args: string[],
  options: {
    cwd?: string;
    stdin?: string;
    env?: Record<string, string | undefined>;
  } = {},
) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
    cwd: options.cwd ?? PACKAGE_DIR,
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
  });
  return { code, stdout, stderr };
}
