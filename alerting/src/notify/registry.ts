import type { Logger } from 'pino';
import type { RawMap } from '../config/fields';
import type { GlobalConfig } from '../config/global-config';
import type { Notifier } from './notifier';
import { marshalWebhookConfig, parseWebhookConfig, type WebhookConfig } from './webhook/webhook-config';
import { WebhookNotifier } from './webhook/webhook-notifier';

/** NotifierDeps is what a notifier may use besides its own config. */
export interface NotifierDeps {
  logger: Logger;
  /** Paths matched by the config's `templates` globs, for the template engine to load. */
  templateFiles: string[];
  externalURL: string;
}

/**
 * IntegrationKind describes one receiver config key (`webhook_configs`, `slack_configs`…):
 * `parse` validates one entry (throw ConfigFileError naming `path` + field, reject unknown
 * keys), `marshal` renders it for `/api/v2/status` (secrets as `<secret>`), `create` builds
 * the notifier.
 */
export interface IntegrationKind<C = unknown> {
  parse(raw: unknown, global: GlobalConfig, path: string): C;
  marshal(cfg: C): RawMap;
  create(cfg: C, deps: NotifierDeps): Notifier;
}

const webhook: IntegrationKind<WebhookConfig> = {
  parse: parseWebhookConfig,
  marshal: marshalWebhookConfig,
  create: (cfg) => new WebhookNotifier(cfg),
};

/**
 * INTEGRATIONS maps receiver config keys to their kind. A key Alertmanager knows but with no
 * entry here is rejected as an unsupported integration; to add one, add a line.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const INTEGRATIONS: Record<string, IntegrationKind<any>> = {
  webhook_configs: webhook,
};

/** ALERTMANAGER_INTEGRATION_KEYS are every `*_configs` key of an Alertmanager 0.25 receiver, in its marshal order. */
export const ALERTMANAGER_INTEGRATION_KEYS = [
  'discord_configs',
  'email_configs',
  'pagerduty_configs',
  'slack_configs',
  'webhook_configs',
  'opsgenie_configs',
  'wechat_configs',
  'pushover_configs',
  'victorops_configs',
  'sns_configs',
  'telegram_configs',
  'webex_configs',
  'msteams_configs',
];
