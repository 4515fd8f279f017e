import { readFile } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import { checkResponse, NotifyError, type Notifier, type NotifyContext } from '../notifier';
import type { Alert } from '../../types/alert';
import { authorizationHeader } from '../http-auth';
import { webhookPayload } from './webhook-payload';
import type { WebhookConfig } from './webhook-config';

export const USER_AGENT = 'Alertmanager/0.25.0';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

/** WebhookNotifier POSTs the Alertmanager webhook payload to the configured URL. */
export class WebhookNotifier implements Notifier {
  readonly integration = 'webhook';
  readonly sendResolved: boolean;

  constructor(private readonly cfg: WebhookConfig) {
    this.sendResolved = cfg.sendResolved;
  }

  async notify(ctx: NotifyContext, alerts: Alert[]): Promise<void> {
    const url = this.cfg.url ?? (await readFile(this.cfg.urlFile!, 'utf8')).trim();
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
    const auth = await authorizationHeader(this.cfg.httpConfig);
    if (auth) headers.Authorization = auth;
    let res;
    try {
      res = await axios.post(url, webhookPayload(ctx, alerts, this.cfg.maxAlerts), {
        headers,
        signal: ctx.signal,
        responseType: 'text',
        transformResponse: (d: unknown) => d,
        // axios would re-stringify and trim the body (dropping Alertmanager's trailing newline).
        transformRequest: (d: unknown) => d,
        validateStatus: () => true,
        maxRedirects: this.cfg.httpConfig.followRedirects ? 5 : 0,
        httpAgent,
        httpsAgent,
      });
    } catch (err) {
      // The URL may carry credentials, so the message names the integration, not the URL.
      const aborted = ctx.signal?.aborted;
      throw new NotifyError(`webhook: ${aborted ? 'request cancelled' : (err as Error).message}`, !aborted, aborted ? 'timeout' : 'network');
    }
    checkResponse('webhook', res.status, redactUrl(typeof res.data === 'string' ? res.data : '', url));
  }
}

/** redactUrl hides the URL, its path and query (where tokens live) if the service echoes them back. */
function redactUrl(text: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text.split(url).join('<redacted>');
  }
  const parts = [url, parsed.pathname + parsed.search, parsed.pathname, parsed.search.slice(1), ...parsed.pathname.split('/')]
    .filter((p) => p.length >= 6)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const p of parts) out = out.split(p).join('<redacted>');
  return out;
}
