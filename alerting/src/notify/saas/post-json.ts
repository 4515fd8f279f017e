import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import type { HttpClientConfig } from '../../config/http-config';
import { authorizationHeader } from '../http-auth';
import { checkResponse, NotifyError } from '../notifier';

export const USER_AGENT = 'Alertmanager/0.25.0';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 32 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32 });

/**
 * postJson sends one notification to a SaaS endpoint and classifies the outcome with
 * checkResponse. SaaS URLs embed credentials (Slack and Teams webhook tokens), so no error
 * message ever contains the URL: network errors name only the integration and the cause.
 */
export async function postJson(
  integration: string,
  url: string,
  body: unknown,
  opts: { httpConfig: HttpClientConfig; signal?: AbortSignal; retryStatuses?: number[] },
): Promise<string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
  const auth = await authorizationHeader(opts.httpConfig);
  if (auth) headers.Authorization = auth;
  let res;
  try {
    res = await axios.post(url, JSON.stringify(body), {
      headers,
      signal: opts.signal,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
      maxRedirects: opts.httpConfig.followRedirects ? 5 : 0,
      httpAgent,
      httpsAgent,
    });
  } catch (err) {
    const aborted = opts.signal?.aborted === true;
    const code = (err as { code?: string }).code;
    throw new NotifyError(`${integration}: ${aborted ? 'request cancelled' : `request failed${code ? ` (${code})` : ''}`}`, !aborted, aborted ? 'timeout' : 'network');
  }
  const text = typeof res.data === 'string' ? res.data : '';
  try {
    checkResponse(integration, res.status, redact(text, url));
  } catch (err) {
    // Some services signal rate limiting with another status (PagerDuty v1: 403).
    if (err instanceof NotifyError && opts.retryStatuses?.includes(res.status)) throw new NotifyError(err.message, true, 'serverError');
    throw err;
  }
  return text;
}

/**
 * redact removes the URL and the parts of it where tokens live (path, query string, query
 * values, user info) from a response body echo before it can reach an error message.
 */
function redact(text: string, url: string): string {
  const parts = [url];
  try {
    const u = new URL(url);
    if (u.pathname.length > 1) parts.push(u.pathname);
    if (u.search) parts.push(u.search.slice(1));
    for (const v of u.searchParams.values()) if (v.length >= 4) parts.push(v, encodeURIComponent(v));
    if (u.password) parts.push(u.password);
  } catch {
    /* not a URL: only the literal string is stripped */
  }
  let out = text;
  for (const p of parts.sort((a, b) => b.length - a.length)) out = out.split(p).join('<redacted>');
  return out;
}
