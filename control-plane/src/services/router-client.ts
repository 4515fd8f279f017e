import axios from 'axios';

export interface ForwardResult {
  forwarded: boolean;
  error?: string;
}

/**
 * RouterClient talks to the Alertmanager-compatible router. Failures are returned, not
 * thrown: an acknowledgement is recorded locally whatever the router says, and the caller
 * reports the forwarding outcome to the user.
 */
export class RouterClient {
  constructor(private readonly baseUrl: string | undefined) {}

  get configured(): boolean {
    return this.baseUrl !== undefined;
  }

  async ack(groupKey: string, acknowledgedBy: string, comment: string | undefined): Promise<ForwardResult> {
    if (!this.baseUrl) return { forwarded: false, error: 'ALERTMANAGER_URL is not configured' };
    return this.post(`/api/v2/alerts/groups/${encodeURIComponent(groupKey)}/ack`, { acknowledgedBy, comment: comment ?? '' });
  }

  postAlerts(alerts: unknown[]): Promise<ForwardResult> {
    if (!this.baseUrl) return Promise.resolve({ forwarded: false, error: 'ALERTMANAGER_URL is not configured' });
    return this.post('/api/v2/alerts', alerts);
  }

  private async post(path: string, body: unknown): Promise<ForwardResult> {
    try {
      const res = await axios.post(`${this.baseUrl}${path}`, body, { timeout: 5000, validateStatus: () => true });
      if (res.status >= 200 && res.status < 300) return { forwarded: true };
      const detail = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
      return { forwarded: false, error: `router answered ${res.status}: ${detail.slice(0, 200)}` };
    } catch (err) {
      return { forwarded: false, error: `router unreachable: ${(err as Error).message}` };
    }
  }
}
