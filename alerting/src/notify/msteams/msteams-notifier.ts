import { readFile } from 'node:fs/promises';
import type { Alert } from '../../types/alert';
import { templateData } from '../../template/data';
import { compileTemplateFields, templateSetFor } from '../../template/field-templates';
import type { CompiledTemplate } from '../../template/template-set';
import { postJson } from '../saas/post-json';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { MsteamsConfig } from './msteams-config';

/** MsteamsNotifier posts the MessageCard of Alertmanager 0.26's msteams notifier. */
export class MsteamsNotifier implements Notifier {
  readonly integration = 'msteams';
  readonly sendResolved: boolean;
  private readonly t: Record<'title' | 'summary' | 'text', CompiledTemplate>;

  constructor(
    private readonly cfg: MsteamsConfig,
    templateFiles: string[],
  ) {
    const path = cfg.path;
    this.sendResolved = cfg.sendResolved;
    this.t = compileTemplateFields(templateSetFor(templateFiles), cfg.templates, path);
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const url = this.cfg.webhookUrl ?? (await readFile(this.cfg.webhookUrlFile!, 'utf8')).trim();
    await postJson('msteams', url, this.payload(ctx, alerts), { httpConfig: this.cfg.httpConfig, signal: ctx.signal });
  }

  payload(ctx: NotifyContext, alerts: Alert[]): Record<string, unknown> {
    const data = templateData({ receiver: ctx.receiver, groupLabels: ctx.groupLabels, alerts, externalURL: ctx.externalURL, now: ctx.now });
    const r = (t: CompiledTemplate) => {
      try {
        return t.render(data);
      } catch (err) {
        throw new NotifyError(`msteams: ${(err as Error).message}`, false, 'template');
      }
    };
    const firing = alerts.some((a) => a.endsAt.getTime() > ctx.now.getTime());
    return {
      '@context': 'http://schema.org/extensions',
      type: 'MessageCard',
      title: r(this.t.title),
      summary: r(this.t.summary),
      text: r(this.t.text),
      themeColor: firing ? '8C1A1A' : '2DC72D',
    };
  }
}
