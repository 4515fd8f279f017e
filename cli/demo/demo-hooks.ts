import { roleListenAddress } from '../../platform/lifecycle/role-options';
import { createLogger } from '../../platform/logging/logger';
import type { RunRolesOptions } from '../role-runner';
import { seedDemo } from './seed';
import { SIMULATOR_TICK_MS, startSimulator } from './simulator';

/**
 * demoHooks wires the first-minute demo into `freshtrack start`: seed an empty embedded
 * database (or any empty one with FRESHTRACK_DEMO_SEED=true — never silently in production)
 * before the roles start, and with --simulate run the sensor simulator once they are up.
 */
export function demoHooks(env: NodeJS.ProcessEnv, simulate: boolean): Pick<RunRolesOptions, 'beforeStart' | 'afterStart'> {
  const ingest = roleListenAddress(env, 'INGEST_LISTEN_ADDRESS', 8081);
  const ingestUrl = `http://${ingest.host === '0.0.0.0' ? '127.0.0.1' : ingest.host}:${ingest.port}`;
  return {
    beforeStart: async (pool, embedded) => (embedded || env.FRESHTRACK_DEMO_SEED === 'true' ? seedDemo(pool, ingestUrl) : []),
    afterStart: simulate
      ? async (roles, shutdown, pool) => {
          const url = roles.find((r) => r.name === 'ingest')?.url ?? ingestUrl;
          const sim = await startSimulator(pool, url, createLogger('simulator'));
          if (!sim) return ['--simulate: no demo organization in this database, simulator not started'];
          shutdown.register('simulator', sim.stop);
          return [`Simulating 5 sensors every ${SIMULATOR_TICK_MS / 1000} s; demo-fridge-1 drifts into an excursion within a minute.`];
        }
      : undefined,
  };
}
