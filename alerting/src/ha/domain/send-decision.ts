/**
 * The decision a replica makes, under the row lock of (receiver, integration, group key), on
 * whether to send at this flush. It is Alertmanager's DedupStage.needsUpdate, extended with
 * two things Alertmanager does not have: an in-flight claim by another replica (so N replicas
 * send once) and an acknowledgement that stops repeats until the firing set grows.
 * Pure: no clock, no SQL; the caller passes `now` and the locked row.
 */

/** LastSend is the notification-log entry: the sets of the last successful send. */
export interface LastSend {
  firing: string[];
  resolved: string[];
  sentAt: Date;
}

/** InFlightClaim is a send another (or this) replica is making right now. */
export interface InFlightClaim {
  owner: string;
  expiresAt: Date;
}

/** CurrentAck is the group's acknowledgement and the firing set it covered. */
export interface CurrentAck {
  firing: string[];
}

export interface SendFacts {
  firing: string[];
  resolved: string[];
  sendResolved: boolean;
  repeatIntervalMs: number;
  now: Date;
  last: LastSend | null;
  claim: InFlightClaim | null;
  ack: CurrentAck | null;
}

export type SendReason = 'first' | 'new-firing' | 'all-resolved' | 'new-resolved' | 'repeat';
export type SkipReason = 'nothing-firing' | 'unchanged' | 'claimed' | 'acknowledged';

export type SendDecision =
  | { send: true; reason: SendReason; clearAck: boolean }
  | { send: false; reason: SkipReason; clearAck: boolean };

/** isSubset: every element of `sub` is in `of` (fingerprint sets, order free). */
export function isSubset(sub: readonly string[], of: readonly string[]): boolean {
  const set = new Set(of);
  return sub.every((x) => set.has(x));
}

/**
 * needsUpdate is Alertmanager 0.25's rule (notify/notify.go DedupStage) verbatim, plus the
 * ack: an acknowledged group whose firing set is covered by the ack does not repeat.
 */
export function needsUpdate(f: Omit<SendFacts, 'claim'>): { send: boolean; reason: SendReason | SkipReason } {
  const { last } = f;
  if (!last) return f.firing.length > 0 ? { send: true, reason: 'first' } : { send: false, reason: 'nothing-firing' };
  if (!isSubset(f.firing, last.firing)) return { send: true, reason: 'new-firing' };
  // Sent whatever send_resolved says, so the log stops holding firing alerts.
  if (f.firing.length === 0) return last.firing.length > 0 ? { send: true, reason: 'all-resolved' } : { send: false, reason: 'nothing-firing' };
  if (f.sendResolved && !isSubset(f.resolved, last.resolved)) return { send: true, reason: 'new-resolved' };
  if (f.ack && isSubset(f.firing, f.ack.firing)) return { send: false, reason: 'acknowledged' };
  const due = last.sentAt.getTime() < f.now.getTime() - f.repeatIntervalMs;
  return due ? { send: true, reason: 'repeat' } : { send: false, reason: 'unchanged' };
}

/**
 * decideSend adds the claim rule: while another replica's claim is live, nobody else sends;
 * it either succeeds (and the log moves on) or fails/dies (and its claim is released or lapses).
 * `clearAck` is set once the firing set is no longer covered by the ack: it is then stale.
 */
export function decideSend(f: SendFacts): SendDecision {
  const clearAck = f.ack !== null && !isSubset(f.firing, f.ack.firing);
  if (f.claim && f.claim.expiresAt.getTime() > f.now.getTime()) return { send: false, reason: 'claimed', clearAck };
  const d = needsUpdate({ ...f, ack: clearAck ? null : f.ack });
  return d.send ? { send: true, reason: d.reason as SendReason, clearAck } : { send: false, reason: d.reason as SkipReason, clearAck };
}
