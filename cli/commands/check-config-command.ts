import { loadConfigFile } from '../../alerting/src/config/config';
import { ConfigFileError } from '../../alerting/src/config/config-file-error';
import { INTEGRATIONS } from '../../alerting/src/notify/registry';
import { createLogger } from '../../platform/logging/logger';
import { ConfigError } from '../../platform/config/config-error';
import type { Command } from '../command';

export const checkConfigCommand: Command = {
  name: 'check-config',
  summary: 'Validate Alertmanager configuration files (like amtool check-config)',
  help: `Usage: freshtrack check-config PATH…

Validates each file as the alert router would load it, including its template files and
the templates of every integration (so a template error never surfaces at page time);
exits 1 if any is invalid.`,
  async run(argv) {
    const files = argv.filter((a) => !a.startsWith('--'));
    if (files.length === 0) throw new ConfigError('PATH', 'at least one configuration file is required');
    let failed = false;
    for (const file of files) {
      try {
        const cfg = loadConfigFile(file);
        const deps = { logger: createLogger('check-config'), templateFiles: cfg.templateFiles, externalURL: 'http://localhost' };
        for (const receiver of cfg.receivers) {
          for (const integration of receiver.integrations) INTEGRATIONS[integration.kind].create(integration.config, deps);
        }
        process.stdout.write(
          `Checking '${file}'  SUCCESS\nFound:\n - global config\n - route\n - ${cfg.inhibitRules.length} inhibit rules\n - ${cfg.receivers.length} receivers\n - ${cfg.templateFiles.length} templates\n\n`,
        );
      } catch (err) {
        if (!(err instanceof ConfigFileError)) throw err;
        failed = true;
        process.stdout.write(`Checking '${file}'  FAILED: ${err.message}\n\n`);
      }
    }
    if (failed) process.exit(1);
  },
};
