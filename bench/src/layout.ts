/*
 * Where a run's processes run and whether the machine is quiet enough: the
 * simulated clusters on a core of their own (taskset), apart from the
 * backend under test and the load generator, so that latency ratios do not
 * mix the simulators' work with the backends'; and the 1-minute load
 * average before the run, against the number of cores.
 */
import { execFileSync } from 'child_process';
import os from 'os';
import { load } from './proc';

/** Which cores the processes of a run may use. */
export interface CpuLayout {
  cores: number;
  /** Whether the processes were pinned (taskset). */
  pinned: boolean;
  /** Cores of the simulated clusters, e.g. `1`. */
  clusterCpus?: string;
  /** Cores of the backend under test and the load generator, e.g. `0`. */
  backendCpus?: string;
  /** In words, for the report. */
  description: string;
}

/** The layout of a run: the last core for the simulators, the rest for the others. */
export function planLayout(pin: boolean, cores = os.cpus().length): CpuLayout {
  if (!pin) {
    return {
      cores,
      pinned: false,
      description: `not pinned: clusters, backend and load generator share ${cores} cores`,
    };
  }
  if (cores < 2) {
    return {
      cores,
      pinned: false,
      description: 'not pinned: one core, shared by every process',
    };
  }
  const clusterCpus = String(cores - 1);
  const backendCpus = cores === 2 ? '0' : `0-${cores - 2}`;
  return {
    cores,
    pinned: true,
    clusterCpus,
    backendCpus,
    description: `pinned (taskset): clusters on core ${clusterCpus}; backend and load generator on core${
      cores === 2 ? '' : 's'
    } ${backendCpus}`,
  };
}

/** Pins every thread of a process to `cpus` (a taskset list, e.g. `0-2`). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync(
    'taskset',
    ['--all-tasks', '--cpu-list', '--pid', cpus, String(pid)],
    {
      stdio: 'ignore',
    },
  );
}

/** The machine's load before a run. */
export interface LoadCheck {
  loadAvg: number[];
  cores: number;
  /** The 1-minute load average is above the number of cores. */
  busy: boolean;
}

export function checkLoad(): LoadCheck {
  const loadAvg = load();
  const cores = os.cpus().length;
  return { loadAvg, cores, busy: loadAvg[0] > cores };
}
