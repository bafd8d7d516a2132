/*
 * The command line: `mesh-chain check` and `mesh-chain trace`, their
 * options, and the exit codes (0 clean or served, 1 findings or not
 * served, 2 bad usage or unreadable input).
 */
import {
  Command,
  CommanderError,
  InvalidArgumentError,
  Option,
} from 'commander';
import { runCheck } from './commands/check';
import { runTrace } from './commands/trace';
import { EXIT, InputError } from './errors';
import type { CliIo } from './io';

/** A repeatable option whose values may also be comma-separated. */
function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map(v => v.trim())
      .filter(Boolean),
  ];
}

/** A repeatable option taken as it is written. */
function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new InvalidArgumentError('give a number of seconds above 0.');
  }
  return n;
}

/** The options every command shares: what to read, and from where. */
function withSourceOptions(command: Command): Command {
  return command
    .option(
      '-f, --filename <path>',
      'manifest file or directory (recursively: .yaml, .yml, .json); - reads standard input; repeatable',
      collectList,
    )
    .option(
      '-n, --namespace <namespace>',
      'namespace of objects that name none (the first one given); check only chains in these namespaces and read only them from the cluster; repeatable',
      collectList,
    )
    .option(
      '-l, --selector <selector>',
      'check one component, found by this label selector as the Backstage annotations find it (e.g. app=reviews)',
    )
    .option(
      '--kubeconfig <file>',
      'compare with the live cluster of this kubeconfig (its current context, or --context)',
    )
    .option(
      '--context <name>',
      'compare with the live cluster of this kubeconfig context ($KUBECONFIG or ~/.kube/config unless --kubeconfig)',
    )
    .option(
      '--cluster-domain <domain>',
      'the clusters DNS domain',
      'cluster.local',
    )
    .option(
      '--request-timeout <seconds>',
      'deadline of each request to the cluster',
      positiveSeconds,
      30,
    )
    .addOption(
      new Option('-o, --output <format>', 'report format')
        .choices(['text', 'json'])
        .default('text'),
    );
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('mesh-chain')
    .description(
      'Checks the Istio chains of Kubernetes manifests (Gateway -> VirtualService -> DestinationRule -> Service -> Deployment -> pods) with the chain engine of the mesh Backstage plugins, alone or against a live cluster.',
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    })
    .showHelpAfterError('(run mesh-chain help for the commands and options)');

  withSourceOptions(
    program
      .command('check')
      .description(
        'Diagnose the chains the manifests touch. Exit 0 clean, 1 when a diagnostic reaches --fail-on (against a cluster: one the manifests introduce), 2 bad usage or unreadable input.',
      ),
  )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'lowest severity that makes the exit code 1',
      )
        .choices(['error', 'warning', 'none'])
        .default('error'),
    )
    .addOption(
      new Option(
        '--annotations <format>',
        'also write GitHub Actions annotations on the manifests lines',
      ).choices(['github']),
    )
    .action(async (_opts, command: Command) => {
      setExit(await runCheck(command.opts() as any, io));
    });

  withSourceOptions(
    program
      .command('trace')
      .argument('<url>', 'the request URL, e.g. http://shop.example.com/cart')
      .description(
        'Where a request goes: gateway server, route, weighted destinations, subsets, pods. Exit 0 served, 1 not served (or a share of it not), 2 bad usage or unreadable input.',
      ),
  )
    .option('-X, --method <method>', 'the request method', 'GET')
    .option(
      '-H, --header <header>',
      "a request header, 'Name: value'; repeatable",
      collect,
    )
    .addOption(
      new Option(
        '--from <origin>',
        'where the request comes from: the ingress gateway, or a sidecar in the mesh',
      ).choices(['gateway', 'mesh']),
    )
    .option(
      '--source-namespace <namespace>',
      'the namespace of the calling sidecar (implies --from mesh)',
    )
    .action(async (url: string, _opts, command: Command) => {
      setExit(await runTrace(url, command.opts() as any, io));
    });

  return program;
}

function packageVersion(): string {
  try {
    // eslint-disable-next-line @backstage/no-relative-monorepo-imports
    return require('../package.json').version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Runs the command line with these arguments (without `node` and the
 * script) and returns the exit code. Nothing else of the process is
 * touched: output goes through `io`.
 *
 * @public
 */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, code => {
    exitCode = code;
  });
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT.input;
    }
    await program.parseAsync(args, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end with 0; every usage error with 2.
      return e.exitCode === 0 ? EXIT.ok : EXIT.input;
    }
    if (e instanceof InputError) {
      io.stderr(
        `mesh-chain: ${e.message}${e.details.map(d => `\n  ${d}`).join('')}\n`,
      );
      return EXIT.input;
    }
    throw e;
  }
}
