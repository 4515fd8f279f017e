import { readFile } from 'node:fs/promises';
import type { Alert } from '../../types/alert';
import { templateData } from '../../template/data';
import { compileTemplateFields, templateSetFor } from '../../template/field-templates';
import type { CompiledTemplate } from '../../template/template-set';
import { postJson } from '../saas/post-json';
import { truncateRunes } from '../saas/truncate';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { SmsConfig } from './sms-config';

/**
 * SmsNotifier posts one JSON request per notification to an SMS/voice gateway adapter;
 * the adapter fans out to the numbers. The message is cut to `max_length` runes so a text
 * never splits into a dozen parts.
 */
export class SmsNotifier implements Notifier {
  readonly integration = 'sms';
  readonly sendResolved: boolean;
  private readonly message: CompiledTemplate;

  constructor(
    private readonly cfg: SmsConfig,
    templateFiles: string[],
  ) {
    const path = cfg.path;
    this.sendResolved = cfg.sendResolved;
    this.message = compileTemplateFields(templateSetFor(templateFiles), { message: cfg.message }, path).message;
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const url = this.cfg.url ?? (await readFile(this.cfg.urlFile!, 'utf8')).trim();
    await postJson('sms', url, this.payload(ctx, alerts), { httpConfig: this.cfg.httpConfig, signal: ctx.signal });
  }

  payload(ctx: NotifyContext, alerts: Alert[]): Record<string, unknown> {
    const data = templateData({ receiver: ctx.receiver, groupLabels: ctx.groupLabels, alerts, externalURL: ctx.externalURL, now: ctx.now });
    let text: string;
    try {
      text = this.message.render(data);
    } catch (err) {
      throw new NotifyError(`sms: ${(err as Error).message}`, false, 'template');
    }
    const message = truncateRunes(text, this.cfg.maxLength);
    const firing = alerts.filter((a) => a.endsAt.getTime() > ctx.now.getTime()).length;
    return {
      version: '1',
      channel: this.cfg.channel,
      to: this.cfg.to,
      message,
      truncated: message !== text,
      status: firing > 0 ? 'firing' : 'resolved',
      receiver: ctx.receiver,
      groupKey: ctx.groupKey,
      numFiring: firing,
      numResolved: alerts.length - firing,
      externalURL: ctx.externalURL,
    };
  }
}
