/**
 * bench/cpu-accounting.ts — CPU time spent by the processes of a benchmark phase, read from
 * /proc (Linux). Wall-clock rates on a shared 2-core machine swing with whatever else runs;
 * the CPU each party spends per unit of work does not, so benchmarks print both.
 */
import { readFileSync } from 'node:fs';
import type { Pool } from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux this runs on.

/** processCpuMs: user + system CPU time a process has used so far, or 0 if it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** backendPids: PostgreSQL server processes connected to one database. */
async function backendPids(pool: Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

export interface CpuSpent {
  /** Named client-side processes (the service under test, the load generator). */
  processes: Record<string, number>;
  /** Every PostgreSQL backend connected to the database during the phase. */
  postgres: number;
}

/**
 * measureCpu runs a phase and returns the CPU milliseconds each party spent in it. Backends
 * of `database` (none when `pool` is undefined) opened during the phase count in full (they
 * did nothing before it).
 */
export async function measureCpu<T>(pool: Pool | undefined, database: string, processes: Record<string, number[]>, phase: () => Promise<T>): Promise<{ result: T; cpu: CpuSpent }> {
  const total = (pids: number[]) => pids.reduce((ms, pid) => ms + processCpuMs(pid), 0);
  const backends = async () => (pool ? backendPids(pool, database) : []);
  const before = Object.fromEntries(Object.entries(processes).map(([name, pids]) => [name, total(pids)]));
  const backendsBefore = new Map((await backends()).map((pid) => [pid, processCpuMs(pid)]));
  const result = await phase();
  const cpu: CpuSpent = { processes: {}, postgres: 0 };
  for (const [name, pids] of Object.entries(processes)) cpu.processes[name] = total(pids) - before[name];
  for (const pid of await backends()) cpu.postgres += processCpuMs(pid) - (backendsBefore.get(pid) ?? 0);
  return { result, cpu };
}
