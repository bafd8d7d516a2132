/*
 * A small request/response protocol over the IPC channel of a child
 * process, so that the orchestrator can drive the cluster simulators and the
 * backends, each in a process of its own.
 */
import { ChildProcess, fork } from 'child_process';
import fs from 'fs';

interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}

interface Response {
  id: number;
  result?: unknown;
  error?: string;
}

/** Serves commands sent by the parent process. */
export function serveCommands(
  handlers: Record<string, (args: any) => unknown | Promise<unknown>>,
): void {
  process.on('message', async (message: Request) => {
    if (!message || typeof message.id !== 'number') {
      return;
    }
    const handler = handlers[message.cmd];
    let reply: Response;
    try {
      if (!handler) {
        throw new Error(`unknown command '${message.cmd}'`);
      }
      reply = { id: message.id, result: await handler(message.args) };
    } catch (error) {
      reply = {
        id: message.id,
        error: (error as Error)?.stack ?? String(error),
      };
    }
    process.send?.(reply);
  });
  // The parent going away ends this process too.
  process.on('disconnect', () => process.exit(0));
}

/** A child process driven by commands. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: any) => void; reject: (e: Error) => void }
  >();
  private exited?: string;

  private constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    process.on('message', (message: Response) => {
      const waiter = this.pending.get(message?.id);
      if (!waiter) {
        return;
      }
      this.pending.delete(message.id);
      if (message.error) {
        waiter.reject(new Error(`${name}: ${message.error}`));
      } else {
        waiter.resolve(message.result);
      }
    });
    process.on('exit', (code, signal) => {
      this.exited = `exited with ${signal ?? `code ${code}`}`;
      for (const waiter of this.pending.values()) {
        waiter.reject(
          new Error(`${name} ${this.exited}; see its log in ${logFile}`),
        );
      }
      this.pending.clear();
    });
  }

  /**
   * Starts a module in a new Node.js process, its output going to
   * `logFile`: a TypeScript module through the same transform the
   * Backstage CLI uses, or compiled JavaScript with `transform: false`.
   */
  static start(options: {
    name: string;
    module: string;
    logFile: string;
    env?: Record<string, string>;
    execArgv?: string[];
    /** Load TypeScript through the CLI's transform (default true). */
    transform?: boolean;
    cwd?: string;
  }): Child {
    const log = fs.openSync(options.logFile, 'a');
    const child = fork(options.module, [], {
      execArgv: [
        ...(options.transform === false
          ? []
          : [
              '--require',
              require.resolve('@backstage/cli/config/nodeTransform.cjs'),
            ]),
        ...(options.execArgv ?? []),
      ],
      ...(options.cwd && { cwd: options.cwd }),
      env: { ...process.env, ...options.env },
      stdio: ['ignore', log, log, 'ipc'],
    });
    fs.closeSync(log);
    return new Child(options.name, child, options.logFile);
  }

  get pid(): number {
    return this.process.pid!;
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  call<T = any>(cmd: string, args?: unknown): Promise<T> {
    if (this.exited) {
      return Promise.reject(
        new Error(
          `${this.name} ${this.exited}; see its log in ${this.logFile}`,
        ),
      );
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.process.send({ id, cmd, args } satisfies Request);
    });
  }

  /** Asks the process to stop, and kills it if it has not within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) {
      return;
    }
    const exited = new Promise<void>(resolve =>
      this.process.once('exit', () => resolve()),
    );
    this.call('stop').catch(() => {});
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
