import type { FlushContext } from '../notify/stage';
import type { Alert } from '../types/alert';
import { SilenceStage } from './silence-stage';

const now = new Date('2026-11-25T10:00:00Z');
const alert = (name: string, resolved: boolean): Alert => ({
  labels: { alertname: name },
  annotations: {},
  startsAt: new Date(now.getTime() - 60_000),
  endsAt: new Date(now.getTime() + (resolved ? -1000 : 60_000)),
  generatorURL: '',
  updatedAt: now,
  fingerprint: name,
});
const ctx = { now } as FlushContext;
const silenced = (labels: Record<string, string>) => labels.alertname.startsWith('Silenced');

describe('SilenceStage', () => {
  const alerts = [alert('SilencedFiring', false), alert('SilencedResolved', true), alert('Open', false)];

  it('drops every silenced alert by default, as Alertmanager', async () => {
    let muted = 0;
    const [, kept] = await new SilenceStage(silenced, () => false, (n) => (muted = n)).exec(ctx, alerts);
    expect(kept.map((a) => a.fingerprint)).toEqual(['Open']);
    expect(muted).toBe(2);
  });

  it('with send_resolved_when_silenced lets a silenced alert that resolved through', async () => {
    const [, kept] = await new SilenceStage(silenced, () => true).exec(ctx, alerts);
    expect(kept.map((a) => a.fingerprint)).toEqual(['SilencedResolved', 'Open']);
  });
});
