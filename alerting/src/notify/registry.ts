import type { Logger } from 'pino';
import type { RawMap } from '../config/fields';
import type { GlobalConfig } from '../config/global-config';
import type { Notifier } from './notifier';
import { marshalWebhookConfig, parseWebhookConfig, type WebhookConfig } from './webhook/webhook-config';
import { WebhookNotifier } from './webhook/webhook-notifier';
import { marshalSlackConfig, parseSlackConfig } from './slack/slack-config';
import { SlackNotifier } from './slack/slack-notifier';
import { marshalPagerdutyConfig, parsePagerdutyConfig } from './pagerduty/pagerduty-config';
import { PagerdutyNotifier } from './pagerduty/pagerduty-notifier';
import { marshalEmailConfig, parseEmailConfig } from './email/email-config';
import { EmailNotifier } from './email/email-notifier';
import { marshalMsteamsConfig, parseMsteamsConfig } from './msteams/msteams-config';
import { MsteamsNotifier } from './msteams/msteams-notifier';
import { marshalSmsConfig, parseSmsConfig } from './sms/sms-config';
import { SmsNotifier } from './sms/sms-notifier';

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
  // Receivers and templates (alerting/src/notify/<kind>/, alerting/src/template/): create()
  // compiles every template the entry can reach and throws ConfigFileError on a bad one.
  slack_configs: { parse: parseSlackConfig, marshal: marshalSlackConfig, create: (cfg, deps) => new SlackNotifier(cfg, deps.templateFiles) },
  pagerduty_configs: { parse: parsePagerdutyConfig, marshal: marshalPagerdutyConfig, create: (cfg, deps) => new PagerdutyNotifier(cfg, deps.templateFiles) },
  email_configs: { parse: parseEmailConfig, marshal: marshalEmailConfig, create: (cfg, deps) => new EmailNotifier(cfg, deps.templateFiles) },
  msteams_configs: { parse: parseMsteamsConfig, marshal: marshalMsteamsConfig, create: (cfg, deps) => new MsteamsNotifier(cfg, deps.templateFiles) },
  sms_configs: { parse: parseSmsConfig, marshal: marshalSmsConfig, create: (cfg, deps) => new SmsNotifier(cfg, deps.templateFiles) },
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
