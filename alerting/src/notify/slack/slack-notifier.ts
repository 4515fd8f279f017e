import { readFile } from 'node:fs/promises';
import type { Alert } from '../../types/alert';
import { compileTemplateFields, templateSetFor } from '../../template/field-templates';
import { templateData } from '../../template/data';
import type { CompiledTemplate } from '../../template/template-set';
import { postJson } from '../saas/post-json';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { SlackConfig, SlackTemplateKey } from './slack-config';
import { truncateRunes } from '../saas/truncate';

/**
 * SlackNotifier posts Alertmanager 0.25's incoming-webhook payload: one attachment whose
 * strings are rendered from the config's templates (title cut to 1024 runes).
 */
export class SlackNotifier implements Notifier {
  readonly integration = 'slack';
  readonly sendResolved: boolean;
  private readonly t: Record<SlackTemplateKey, CompiledTemplate>;
  private readonly fieldT: { title: CompiledTemplate; value: CompiledTemplate; short: boolean }[];
  private readonly actionT: Record<string, CompiledTemplate | undefined>[];

  constructor(
    private readonly cfg: SlackConfig,
    templateFiles: string[],
  ) {
    const path = cfg.path;
    this.sendResolved = cfg.sendResolved;
    const set = templateSetFor(templateFiles);
    this.t = compileTemplateFields(set, cfg.templates, path);
    this.fieldT = cfg.fields.map((f, i) => ({ ...compileTemplateFields(set, { title: f.title, value: f.value }, `${path}.fields[${i}]`), short: f.short ?? cfg.shortFields }));
    this.actionT = cfg.actions.map((a, i) => {
      const strings: Record<string, string> = {};
      for (const k of ['type', 'text', 'url', 'style', 'name', 'value'] as const) if (a[k] !== undefined) strings[k] = a[k]!;
      return compileTemplateFields(set, strings, `${path}.actions[${i}]`);
    });
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const body = this.payload(ctx, alerts);
    const url = this.cfg.apiUrl ?? (await readFile(this.cfg.apiUrlFile!, 'utf8')).trim();
    await postJson('slack', url, body, { httpConfig: this.cfg.httpConfig, signal: ctx.signal });
  }

  /** payload renders the request body; exposed for the differential test. */
  payload(ctx: NotifyContext, alerts: Alert[]): Record<string, unknown> {
    const data = templateData({ receiver: ctx.receiver, groupLabels: ctx.groupLabels, alerts, externalURL: ctx.externalURL, now: ctx.now });
    const r = (t: CompiledTemplate) => {
      try {
        return t.render(data);
      } catch (err) {
        throw new NotifyError(`slack: ${(err as Error).message}`, false, 'template');
      }
    };
    const t = this.t;
    const attachment: Record<string, unknown> = {};
    const put = (k: string, v: string) => {
      if (v) attachment[k] = v;
    };
    put('title', truncateRunes(r(t.title), 1024));
    put('title_link', r(t.title_link));
    put('pretext', r(t.pretext));
    attachment.text = r(t.text);
    attachment.fallback = r(t.fallback);
    attachment.callback_id = r(t.callback_id);
    if (this.fieldT.length) attachment.fields = this.fieldT.map((f) => omitEmpty({ title: r(f.title), value: r(f.value), short: f.short }));
    if (this.actionT.length) {
      attachment.actions = this.actionT.map((a) => {
        // Alertmanager 0.25 accepts `confirm` in the config but does not send it.
        const out: Record<string, unknown> = {};
        for (const [k, tmpl] of Object.entries(a)) out[k] = r(tmpl!);
        return omitEmpty(out);
      });
    }
    put('image_url', r(t.image_url));
    put('thumb_url', r(t.thumb_url));
    attachment.footer = r(t.footer);
    put('color', r(t.color));
    attachment.mrkdwn_in = this.cfg.mrkdwnIn.length ? this.cfg.mrkdwnIn : ['fallback', 'pretext', 'text'];
    const req: Record<string, unknown> = {};
    const top = (k: string, v: string) => {
      if (v) req[k] = v;
    };
    top('channel', r(t.channel));
    top('username', r(t.username));
    top('icon_emoji', r(t.icon_emoji));
    top('icon_url', r(t.icon_url));
    if (this.cfg.linkNames) req.link_names = true;
    req.attachments = [attachment];
    return req;
  }
}

/** omitEmpty drops "" and undefined, as Go's `json:",omitempty"` does for strings. */
function omitEmpty(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined));
}
