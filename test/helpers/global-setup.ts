import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../platform/paths';
import { ensureTemplateDatabase } from './postgres';

/**
 * Once per jest run: compile dist/ (tests that start real processes run the production
 * build through bin/freshtrack.js) and migrate the template database the tests clone.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.FRESHTRACK_TEST_SKIP_BUILD !== '1') {
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
        cwd: PROJECT_ROOT,
        stdio: 'inherit',
      });
    } catch {
      // tsc still emits on type errors; `npm run typecheck` is the gate that fails on them.
      process.stderr.write('global-setup: tsc reported errors (see above); tests run on what it emitted\n');
    }
  }
  await ensureTemplateDatabase();
}
