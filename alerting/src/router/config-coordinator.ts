import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { parseConfig, type AlertmanagerConfig } from '../config/config';
import type { AlertRouter } from './alert-router';
import type { RouterMetrics } from './router-metrics';

export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:8080/v1/alert-notifications';

/** ConfigSource says where the config comes from; the shipped default may take its URL from env. */
export interface ConfigSource {
  file: string;
  /** Replaces the default webhook URL (only for the shipped default config). */
  webhookUrl?: string;
}

/**
 * ConfigCoordinator loads the config file and applies it; a failed reload keeps the running
 * config and sets alertmanager_config_last_reload_successful to 0.
 */
export class ConfigCoordinator {
  constructor(
    private readonly source: ConfigSource,
    private readonly router: AlertRouter,
    private readonly logger: Logger,
    private readonly metrics?: RouterMetrics,
  ) {}

  /** load reads and validates the file without applying it. */
  load(): AlertmanagerConfig {
    let text = readFileSync(this.source.file, 'utf8');
    if (this.source.webhookUrl) text = text.split(DEFAULT_WEBHOOK_URL).join(this.source.webhookUrl);
    return parseConfig(text, this.source.file);
  }

  /** reload applies the file; it throws (and records the failure) when the file is invalid. */
  reload(): void {
    try {
      const cfg = this.load();
      this.router.applyConfig(cfg);
      this.metrics?.configHash.set(cfg.hash);
      this.metrics?.reloadSuccess.set(1);
      this.metrics?.reloadTimestamp.set(Math.floor(Date.now() / 1000));
      this.logger.info({ file: this.source.file }, 'Completed loading of configuration file');
    } catch (err) {
      this.metrics?.reloadSuccess.set(0);
      this.logger.error({ file: this.source.file, err: (err as Error).message }, 'Loading configuration file failed');
      throw err;
    }
  }
}
