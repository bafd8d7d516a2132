/*
 * yarn demo-cluster --port PORT --write-kubeconfig FILE [--scenario NAME] ...
 */
import fs from 'fs';
import path from 'path';
import { parseArgs } from 'util';
import YAML from 'yaml';
import { startDemoCluster } from './DemoCluster';
import { CLUSTER_PRESETS, SCENARIOS } from './scenarios';
import { checkTokens } from './rbac/identities';

const USAGE = `Usage: yarn demo-cluster [options]

Starts a simulated Kubernetes API server (a demo cluster, not a real one) on
127.0.0.1 and writes a kubeconfig for it.

Options:
  --port PORT               port to listen on (default 6443; 0 picks a free one)
  --host ADDRESS            address to listen on (default 127.0.0.1)
  --name NAME               cluster name, used in the kubeconfig (default demo)
  --scenario NAMES          what to seed, comma-separated (default dev):
                              presets: ${Object.keys(CLUSTER_PRESETS).join(
                                ', ',
                              )}, none, scale:N
                              scenarios: ${SCENARIOS.map(s => s.name).join(
                                ', ',
                              )}
  --state FILE              keep the state in FILE across restarts (default: memory only)
  --write-kubeconfig FILE   write a kubeconfig for the cluster to FILE
  --ca-dir DIR              where the demo CA is kept (default: the folder of --state)
  --no-tls                  serve plain HTTP instead of HTTPS
  --latency-ms MS           add MS milliseconds to every API request
  --time-scale N            run simulated time N times faster (default 1)
  --no-controllers          do not run the simulated controllers
  --metrics-port PORT       serve Istio's standard metrics and kube-state-metrics
                            of the simulated traffic on plain HTTP at
                            http://HOST:PORT/metrics (default: not served)
  --tokens FILE             bearer tokens (YAML or JSON) and who they authenticate
                            as, replacing the defaults (RBAC decides what they may do):
                              my-token: { user: me, groups: [team] }
                              ci-token: { serviceAccount: ci/deployer }
  --scaffolder-namespaces NAMES
                            namespaces the scaffolder identity may write to,
                            comma-separated (default: none); each is created
                            with a RoleBinding to the mesh-scaffolder ClusterRole
  --changes-namespaces NAMES
                            namespaces whose VirtualServices, HPAs and
                            Deployments the changes identity may patch,
                            comma-separated (default: none); each gets a
                            RoleBinding to the mesh-changes ClusterRole
  --help                    show this help

Tokens (what each may do is RBAC: kubectl get clusterroles,clusterrolebindings):
  demo-admin-token       cluster-admin (system:masters)
  demo-viewer-token      ServiceAccount backstage/mesh-viewer: reads what the
                         portal shows (ClusterRole mesh-viewer)
  demo-scaffolder-token  ServiceAccount backstage/mesh-scaffolder: writes the
                         chain's kinds in --scaffolder-namespaces only
  demo-changes-token     ServiceAccount backstage/mesh-changes: patches
                         VirtualServices, HPAs and Deployments in
                         --changes-namespaces only (owners' traffic changes)
  demo-readonly-token    user demo-readonly (group demo:viewers): as the viewer
  demo-restricted-token  user demo-restricted (group demo:team): edits app
                         namespaces except finance, no cluster-wide lists
`;

/** A command line mistake: the message names the option and the fix. */
export class CliError extends Error {}

function fail(message: string): never {
  throw new CliError(message);
}

function number(
  name: string,
  value: string | undefined,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min)
    fail(`--${name} must be a number of at least ${min}, not '${value}'`);
  return n;
}

/** Parses the command line into options for startDemoCluster. */
export function parseCli(argv: string[], cwd = process.cwd()) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        name: { type: 'string' },
        scenario: { type: 'string' },
        state: { type: 'string' },
        'write-kubeconfig': { type: 'string' },
        'ca-dir': { type: 'string' },
        'no-tls': { type: 'boolean' },
        'latency-ms': { type: 'string' },
        'time-scale': { type: 'string' },
        'no-controllers': { type: 'boolean' },
        'metrics-port': { type: 'string' },
        tokens: { type: 'string' },
        'scaffolder-namespaces': { type: 'string' },
        'changes-namespaces': { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const v = parsed.values;
  let tokens;
  if (v.tokens) {
    const file = path.resolve(cwd, v.tokens);
    try {
      tokens = checkTokens(YAML.parse(fs.readFileSync(file, 'utf8')), file);
    } catch (error) {
      fail(`--tokens: ${(error as Error).message}`);
    }
  }
  const resolve = (p: string | undefined) =>
    p ? path.resolve(cwd, p) : undefined;
  return {
    help: Boolean(v.help),
    kubeconfigFile: resolve(v['write-kubeconfig']),
    options: {
      port: number('port', v.port ?? '6443', 0),
      host: v.host,
      name: v.name,
      scenario: v.scenario ?? 'dev',
      state: resolve(v.state),
      caDir: resolve(v['ca-dir']),
      tls: v['no-tls'] ? false : undefined,
      latencyMs: number('latency-ms', v['latency-ms'], 0),
      timeScale: number('time-scale', v['time-scale'], 0.001),
      controllers: v['no-controllers'] ? false : undefined,
      metricsPort: number('metrics-port', v['metrics-port'], 0),
      tokens,
      scaffolderNamespaces: v['scaffolder-namespaces']
        ?.split(',')
        .map(n => n.trim())
        .filter(Boolean),
      changesNamespaces: v['changes-namespaces']
        ?.split(',')
        .map(n => n.trim())
        .filter(Boolean),
    },
  };
}

/** Runs the command line. */
export async function main() {
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `demo-cluster: ${(error as Error).message}\n\n${USAGE}`,
    );
    process.exit(2);
  }
  const { help, kubeconfigFile, options } = parsed;
  if (help) {
    process.stdout.write(USAGE);
    return;
  }
  const log = (m: string) =>
    process.stdout.write(`${new Date().toISOString()} ${m}\n`);
  let cluster;
  try {
    cluster = await startDemoCluster({ ...options, logger: log });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE'
        ? `port ${options.port} is in use; stop what holds it or pick another with --port`
        : e.message;
    process.stderr.write(`demo-cluster: ${why}\n`);
    process.exit(1);
  }
  if (kubeconfigFile) {
    fs.mkdirSync(path.dirname(kubeconfigFile), { recursive: true });
    fs.writeFileSync(kubeconfigFile, cluster.kubeconfig, { mode: 0o600 });
    log(
      `kubeconfig written to ${kubeconfigFile} (try: KUBECONFIG=${kubeconfigFile} kubectl get pods -A)`,
    );
  }
  log(
    `ready: ${cluster.url} (this is a simulator for demos and tests, not a real cluster)`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(
      `demo-cluster: ${error instanceof Error ? error.stack : error}\n`,
    );
    process.exit(1);
  });
}
