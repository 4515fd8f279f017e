import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { Alert } from '../../types/alert';
import { templateData } from '../../template/data';
import { compileTemplateFields, templateSetFor } from '../../template/field-templates';
import type { CompiledTemplate } from '../../template/template-set';
import { NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { EmailConfig } from './email-config';

/** The rendered message, exposed for tests that compare it with Alertmanager's. */
export interface RenderedEmail {
  from: string;
  to: string;
  headers: Record<string, string>;
  html: string;
  text: string;
}

/**
 * EmailNotifier sends through the configured smarthost with nodemailer: implicit TLS on port
 * 465, otherwise STARTTLS when `require_tls` (refusing servers that do not offer it), AUTH
 * when a username is set. SMTP 5xx replies are final; 4xx and connection failures are
 * retried. Error messages carry the SMTP reply, never the password.
 */
export class EmailNotifier implements Notifier {
  readonly integration = 'email';
  readonly sendResolved: boolean;
  private readonly headerT: Record<string, CompiledTemplate>;
  private readonly bodyT: Record<'html' | 'text' | 'to' | 'from', CompiledTemplate>;

  constructor(
    private readonly cfg: EmailConfig,
    templateFiles: string[],
  ) {
    const path = cfg.path;
    this.sendResolved = cfg.sendResolved;
    const set = templateSetFor(templateFiles);
    this.headerT = compileTemplateFields(set, cfg.headers, `${path}.headers`);
    this.bodyT = compileTemplateFields(set, { html: cfg.html, text: cfg.text, to: cfg.to, from: cfg.from }, path, ['html'] as const);
  }

  render(ctx: NotifyContext, alerts: Alert[]): RenderedEmail {
    const data = templateData({ receiver: ctx.receiver, groupLabels: ctx.groupLabels, alerts, externalURL: ctx.externalURL, now: ctx.now });
    const r = (t: CompiledTemplate) => {
      try {
        return t.render(data);
      } catch (err) {
        throw new NotifyError(`email: ${(err as Error).message}`, false, 'template');
      }
    };
    const headers = Object.fromEntries(Object.entries(this.headerT).map(([k, t]) => [k, r(t)]));
    return { from: r(this.bodyT.from), to: r(this.bodyT.to), headers, html: r(this.bodyT.html), text: r(this.bodyT.text) };
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const msg = this.render(ctx, alerts);
    const password = this.cfg.authPasswordFile ? (await readFile(this.cfg.authPasswordFile, 'utf8')).trim() : this.cfg.authPassword;
    const { host, port } = this.cfg.smarthost;
    const transport = nodemailer.createTransport({
      host,
      port,
      secure: port === 465,
      name: this.cfg.hello,
      requireTLS: this.cfg.requireTls && port !== 465,
      ignoreTLS: !this.cfg.requireTls && port !== 465,
      auth: this.cfg.authUsername ? { user: this.cfg.authUsername, pass: password ?? '' } : undefined,
      tls: {
        servername: this.cfg.tls.serverName ?? host,
        rejectUnauthorized: !this.cfg.tls.insecureSkipVerify,
        ca: this.cfg.tls.caFile ? readFileSync(this.cfg.tls.caFile) : undefined,
        cert: this.cfg.tls.certFile ? readFileSync(this.cfg.tls.certFile) : undefined,
        key: this.cfg.tls.keyFile ? readFileSync(this.cfg.tls.keyFile) : undefined,
      },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000,
    });
    const { Subject, To, From, ...extra } = msg.headers;
    const onAbort = () => transport.close();
    ctx.signal?.addEventListener('abort', onAbort);
    try {
      if (ctx.signal?.aborted) throw new NotifyError('email: request cancelled', true, 'timeout');
      await transport.sendMail({
        envelope: { from: msg.from, to: msg.to },
        from: From,
        to: To,
        subject: Subject,
        headers: extra,
        html: msg.html || undefined,
        text: msg.text || undefined,
      });
    } catch (err) {
      throw classify(err, ctx.signal, [password, this.cfg.authSecret]);
    } finally {
      ctx.signal?.removeEventListener('abort', onAbort);
      transport.close();
    }
  }
}

function classify(err: unknown, signal: AbortSignal | undefined, secrets: (string | undefined)[]): NotifyError {
  if (err instanceof NotifyError) return err;
  if (signal?.aborted) return new NotifyError('email: request cancelled', true, 'timeout');
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  let detail = e.response ?? e.message ?? String(err);
  for (const s of secrets) if (s) detail = detail.split(s).join('<secret>');
  const message = `email: ${e.code ? `${e.code}: ` : ''}${detail}`;
  if (e.responseCode && e.responseCode >= 500) return new NotifyError(message, false, 'clientError');
  if (e.responseCode && e.responseCode >= 400) return new NotifyError(message, true, 'serverError');
  return new NotifyError(message, true, 'network');
}
