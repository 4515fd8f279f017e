import type { StoredAlert } from '../../provider/alert-store';
import { fingerprint } from '../../types/fingerprint';

/** The part of a silence a notice shows: who, why, what, until when. */
export interface SilenceFacts {
  id: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

/** How long a "silence created" notice stays firing: long enough for one group_wait. */
export const SILENCE_CREATED_NOTICE_MS = 5 * 60_000;

/** matchersText prints a silence's matchers as amtool does: {name="value", other=~"re"}. */
export function matchersText(s: SilenceFacts): string {
  const op = (m: SilenceFacts['matchers'][number]) => (m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=');
  return `{${s.matchers.map((m) => `${m.name}${op(m)}${JSON.stringify(m.value)}`).join(', ')}}`;
}

function alert(labels: Record<string, string>, annotations: Record<string, string>, now: Date, endsAt: Date): StoredAlert {
  return { labels, annotations, startsAt: now, endsAt, generatorURL: '', updatedAt: now, fingerprint: fingerprint(labels), timeout: false };
}

/**
 * silenceNotice turns a silence event into an alert that goes through the routing tree like
 * any other (Alertmanager #730), so there is one way people are told things. Author and
 * comment ride in the annotations (#4303). `created` resolves after a few minutes; `expiring`
 * fires until the silence ends, so its resolved notification says "the silence is over".
 */
export function silenceNotice(kind: 'created' | 'expiring', s: SilenceFacts, now: Date): StoredAlert {
  const labels = { alertname: kind === 'created' ? 'SilenceCreated' : 'SilenceExpiring', silence_id: s.id, severity: 'info' };
  const what = matchersText(s);
  const who = s.createdBy || 'someone';
  const summary =
    kind === 'created'
      ? `${who} silenced ${what} until ${s.endsAt.toISOString()}: ${s.comment}`
      : `Silence ${what} by ${who} ends at ${s.endsAt.toISOString()}: ${s.comment}`;
  const endsAt = kind === 'created' ? new Date(Math.min(now.getTime() + SILENCE_CREATED_NOTICE_MS, s.endsAt.getTime())) : s.endsAt;
  const annotations = { summary, created_by: s.createdBy, comment: s.comment, matchers: what, starts_at: s.startsAt.toISOString(), ends_at: s.endsAt.toISOString() };
  return alert(labels, annotations, now, endsAt);
}

/**
 * watchdogMissing is the alert raised when the always-firing Watchdog stopped arriving: the
 * path from Prometheus to the router is broken. It stays firing while the check keeps
 * refreshing it and resolves by itself once the Watchdog is back.
 */
export function watchdogMissing(watchdog: string, lastSeen: Date | undefined, now: Date, holdMs: number): StoredAlert {
  const labels = { alertname: 'WatchdogMissing', watchdog, severity: 'critical', category: 'infrastructure' };
  const since = lastSeen ? `since ${lastSeen.toISOString()}` : 'since the router started';
  return alert(
    labels,
    { summary: `No ${watchdog} alert received ${since}: Prometheus or its path to the router is down, so other alerts may be missing too.` },
    now,
    new Date(now.getTime() + holdMs),
  );
}

/**
 * watchdogStale decides whether the Watchdog is overdue: the newest update of a firing alert
 * with that alertname is older than `timeoutMs` (or none arrived `timeoutMs` after start).
 */
export function watchdogStale(lastSeen: Date | undefined, startedAt: Date, now: Date, timeoutMs: number): boolean {
  return now.getTime() - (lastSeen ?? startedAt).getTime() > timeoutMs;
}
