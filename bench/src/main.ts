/*
 * `yarn bench`: the mesh backend and the stock Kubernetes backend, side by
 * side, in the same run, against the same simulated clusters, for the same
 * entities. See docs/benchmarks.md.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'fs';
import path from 'path';
import { runEngineBench } from './engine/engineBench';
import { FaultRun } from './faults/FaultRun';
import { renderFaultMarkdown, renderFaultTable } from './faults/report';
import { checkLoad } from './layout';
import { BenchOptions, parseOptions } from './options';
import {
  describeRun,
  memoryPerObject,
  renderReport,
  renderTargets,
} from './report';
import { BenchRun } from './run';

/**
 * A path given on the command line, relative to the repository root (Yarn
 * runs the bench in its own folder, whichever folder it was called from).
 */
function fromCallerDir(file: string): string {
  return path.resolve(process.env.PROJECT_CWD ?? process.cwd(), file);
}

/** `--faults`: the fault suite, its table, and its document. */
async function faults(options: BenchOptions, outDir: string) {
  const figures = await new FaultRun(outDir).run();
  process.stdout.write(`\n== Faults ==\n${renderFaultTable(figures)}\n\n`);
  const json = JSON.stringify(figures, null, 2);
  fs.writeFileSync(path.join(outDir, 'faults.json'), json);
  const jsonFile = options.json && fromCallerDir(options.json);
  if (jsonFile) {
    fs.writeFileSync(jsonFile, `${json}\n`);
  }
  if (options.markdown) {
    const markdownFile = fromCallerDir(options.markdown);
    const jsonName = jsonFile
      ? path.relative(path.dirname(markdownFile), jsonFile)
      : 'faults.json';
    fs.writeFileSync(markdownFile, renderFaultMarkdown(figures, jsonName));
  }
  const failed = figures.faults.filter(f => !f.survived);
  process.stdout.write(`Logs and faults.json: ${outDir}\n`);
  if (failed.length > 0) {
    process.stdout.write(
      `\nFAILED: ${failed.length} of ${figures.faults.length} faults not survived\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `All ${figures.faults.length} faults survived, every cache equal to a fresh list afterwards.\n`,
  );
  process.exit(0);
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (options.engine) {
    runEngineBench(options.sizes);
    process.exit(0);
  }
  if (options.faults) {
    await faults(
      options,
      resolvePackagePath('@mesh-chain/bench', 'results', `faults-${stamp}`),
    );
    return;
  }
  const loadCheck = checkLoad();
  if (loadCheck.busy && !options.smoke) {
    const what = `The 1-minute load average is ${loadCheck.loadAvg[0]} on ${loadCheck.cores} cores`;
    if (!options.force) {
      process.stderr.write(
        `bench: ${what}: the figures would measure the other work too. Wait for a quiet machine (uptime), or run with --force (the figures then say the machine was busy).\n`,
      );
      process.exit(2);
    }
    process.stderr.write(`bench: ${what}; running anyway (--force)\n`);
  }
  const outDir = resolvePackagePath(
    '@mesh-chain/bench',
    'results',
    `${options.smoke ? 'smoke' : 'run'}-${stamp}`,
  );
  const run = new BenchRun(options, outDir, loadCheck);
  const figures = await run.run();
  figures.memoryPerThousandObjects = memoryPerObject(figures);

  const text = renderReport(figures);
  const targets = renderTargets(figures);
  process.stdout.write(
    `\n${describeRun(figures)}\n\n${text}\n${
      targets ? `== Targets (figures, not tests) ==\n${targets}\n\n` : ''
    }`,
  );
  const json = JSON.stringify(figures, null, 2);
  fs.writeFileSync(path.join(outDir, 'figures.json'), json);
  const markdown = `${describeRun(figures)
    .split('\n')
    .map(l => `${l}  `)
    .join('\n')}\n\n${renderReport(
    figures,
    true,
  )}\n### Targets\n\n${renderTargets(figures, true)}\n`;
  if (options.json) {
    fs.writeFileSync(fromCallerDir(options.json), json);
  }
  if (options.markdown) {
    fs.writeFileSync(fromCallerDir(options.markdown), markdown);
  }
  if (options.record) {
    // Kept beside docs/benchmarks.md, so that its tables can be checked.
    const dir = resolvePackagePath(
      '@mesh-chain/bench',
      '..',
      'docs',
      'benchmarks',
    );
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${options.record}.json`), `${json}\n`);
    fs.writeFileSync(path.join(dir, `${options.record}.md`), markdown);
    process.stdout.write(
      `Recorded: docs/benchmarks/${options.record}.json and .md\n`,
    );
  }

  const problems = figures.sizes.flatMap(size => [
    ...size.backends.flatMap(b =>
      b.problems.map(
        p => `${b.variant}, ${size.objectsPerCluster} objects: ${p}`,
      ),
    ),
    ...(size.telemetry?.problems ?? []).map(
      p => `mesh with telemetry, ${size.objectsPerCluster} objects: ${p}`,
    ),
  ]);
  process.stdout.write(`Logs and figures.json: ${outDir}\n`);
  if (problems.length > 0) {
    process.stdout.write(
      `\nFAILED: ${problems.length} problem(s):\n${problems
        .map(p => `  - ${p}`)
        .join('\n')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    options.smoke
      ? `Smoke run passed: ${options.backends.join(
          ' and ',
        )} answered every page view correctly.\n`
      : 'All checks passed.\n',
  );
  process.exit(0);
}

main().catch(error => {
  process.stderr.write(`bench: ${error?.stack ?? error}\n`);
  process.exit(1);
});
