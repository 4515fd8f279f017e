import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Alert } from '../../types/alert';
import { templateData } from '../../template/data';
import { compileTemplateFields, templateSetFor } from '../../template/field-templates';
import type { CompiledTemplate } from '../../template/template-set';
import { postJson } from '../saas/post-json';
import { truncateRunes } from '../saas/truncate';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { PagerdutyConfig } from './pagerduty-config';

/** Alertmanager's maxV2SummaryLenRunes: PagerDuty rejects longer summaries. */
const MAX_SUMMARY_RUNES = 1024;

/** dedupKey is Alertmanager's notify.Key.Hash(): SHA-256 hex of the group key. */
export function dedupKey(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/**
 * PagerdutyNotifier sends Events API v2 events (v1 when the config has a `service_key`):
 * `trigger` while any alert fires, `resolve` once all are resolved, deduplicated on the group
 * key's hash so PagerDuty keeps one incident per aggregation group.
 */
export class PagerdutyNotifier implements Notifier {
  readonly integration = 'pagerduty';
  readonly sendResolved: boolean;
  private readonly t: Record<keyof PagerdutyConfig['templates'], CompiledTemplate>;
  private readonly detailT: Record<string, CompiledTemplate>;
  private readonly imageT: Record<'src' | 'alt' | 'href', CompiledTemplate>[];
  private readonly linkT: Record<'href' | 'text', CompiledTemplate>[];

  constructor(
    private readonly cfg: PagerdutyConfig,
    templateFiles: string[],
  ) {
    const path = cfg.path;
    this.sendResolved = cfg.sendResolved;
    const set = templateSetFor(templateFiles);
    this.t = compileTemplateFields(set, cfg.templates, path);
    this.detailT = compileTemplateFields(set, cfg.details, `${path}.details`);
    this.imageT = cfg.images.map((img, i) => compileTemplateFields(set, img, `${path}.images[${i}]`));
    this.linkT = cfg.links.map((l, i) => compileTemplateFields(set, l, `${path}.links[${i}]`));
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const opts = { httpConfig: this.cfg.httpConfig, signal: ctx.signal };
    if (this.cfg.serviceKey !== undefined || this.cfg.serviceKeyFile !== undefined) {
      const serviceKey = this.cfg.serviceKey ?? (await readFile(this.cfg.serviceKeyFile!, 'utf8')).trim();
      // Alertmanager retries v1 events on 403, PagerDuty's v1 rate-limit answer.
      await postJson('pagerduty', this.cfg.url, this.payloadV1(ctx, alerts, serviceKey), { ...opts, retryStatuses: [403] });
      return;
    }
    const routingKey = this.cfg.routingKey ?? (await readFile(this.cfg.routingKeyFile!, 'utf8')).trim();
    await postJson('pagerduty', this.cfg.url, this.payload(ctx, alerts, routingKey), opts);
  }

  /** payloadV1 builds an Events API v1 event as Alertmanager 0.25's notifyV1. */
  payloadV1(ctx: NotifyContext, alerts: Alert[], serviceKey: string): Record<string, unknown> {
    const { r, firing, details } = this.render(ctx, alerts);
    const event: Record<string, unknown> = {
      service_key: serviceKey,
      incident_key: dedupKey(ctx.groupKey),
      event_type: firing ? 'trigger' : 'resolve',
      description: truncateRunes(r(this.t.description), MAX_SUMMARY_RUNES),
    };
    if (firing) {
      event.client = r(this.t.client);
      event.client_url = r(this.t.client_url);
    }
    event.details = details;
    const sent = Object.fromEntries(Object.entries(event).filter(([, v]) => v !== ''));
    // Alertmanager shares one message struct between v1 and v2: these two are never omitted.
    return { ...sent, event_action: '', payload: null };
  }

  private render(ctx: NotifyContext, alerts: Alert[]) {
    const data = templateData({ receiver: ctx.receiver, groupLabels: ctx.groupLabels, alerts, externalURL: ctx.externalURL, now: ctx.now });
    const r = (t: CompiledTemplate) => {
      try {
        return t.render(data);
      } catch (err) {
        throw new NotifyError(`pagerduty: ${(err as Error).message}`, false, 'template');
      }
    };
    const firing = alerts.some((a) => a.endsAt.getTime() > ctx.now.getTime());
    const details = Object.fromEntries(Object.entries(this.detailT).map(([k, t]) => [k, r(t)]));
    return { r, firing, details };
  }

  /** payload builds the v2 event in Alertmanager 0.25's field order. */
  payload(ctx: NotifyContext, alerts: Alert[], routingKey: string): Record<string, unknown> {
    const { r, firing, details } = this.render(ctx, alerts);
    const omit = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== '' && v !== undefined));
    const images = this.imageT.map((i) => ({ src: r(i.src), alt: r(i.alt), href: r(i.href) })).filter((i) => i.src !== '');
    const links = this.linkT.map((l) => ({ href: r(l.href), text: r(l.text) })).filter((l) => l.href !== '');
    return omit({
      routing_key: routingKey,
      dedup_key: dedupKey(ctx.groupKey),
      event_action: firing ? 'trigger' : 'resolve',
      // summary, source and severity are sent even when empty (no omitempty in Go).
      payload: {
        summary: truncateRunes(r(this.t.description), MAX_SUMMARY_RUNES),
        source: r(this.t.source),
        severity: r(this.t.severity) || 'error',
        ...omit({
          class: r(this.t.class),
          component: r(this.t.component),
          group: r(this.t.group),
          custom_details: Object.keys(details).length ? details : undefined,
        }),
      },
      client: r(this.t.client),
      client_url: r(this.t.client_url),
      images: images.length ? images : undefined,
      links: links.length ? links : undefined,
    });
  }
}
