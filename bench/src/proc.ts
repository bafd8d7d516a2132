/*
 * What the operating system says about a process (Linux /proc): resident
 * memory, its peak, and CPU time.
 */
import fs from 'fs';
import os from 'os';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

function status(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) {
      out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
  }
  return out;
}

function kb(value: string | undefined): number {
  return Number((value ?? '0').replace(/\s*kB$/, '')) / 1024;
}

/** Resident set size now, MiB. */
export function rssMb(pid: number): number {
  return kb(status(pid).VmRSS);
}

/** Peak resident set size since the process started, MiB. */
export function peakRssMb(pid: number): number {
  return kb(status(pid).VmHWM);
}

/** CPU time (user + system) used by the process so far, ms. */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which is in parentheses).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** The machine the figures are taken on. */
export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
  };
}

/** Load averages (1, 5, 15 minutes). */
export function load(): number[] {
  return os.loadavg().map(v => Math.round(v * 100) / 100);
}
