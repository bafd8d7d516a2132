/*
 * What a run reads from and writes to outside its arguments, so that tests
 * run the command in-process.
 */

/** @public */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The directory relative paths are read from. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** The whole of standard input (for `-f -`). */
  readStdin(): Promise<string>;
}

/** The process's own streams, directory and environment. @public */
export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    cwd: process.cwd(),
    env: process.env,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) {
        chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      }
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
