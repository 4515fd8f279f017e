import { randomUUID } from 'node:crypto';
import { matchesAll, type Matcher } from '../matcher/matcher';
import type { Clock } from '../types/clock';
import { compileMatchers, silenceState, SilenceError, SilenceNotFoundError, validateSilence, type Silence, type SilenceState } from './silence';
import type { SilenceStore } from './silence-store';

const sameMatchers = (a: Silence, b: Silence) => JSON.stringify(a.matchers) === JSON.stringify(b.matchers);

function validated(sil: Silence): void {
  try {
    validateSilence(sil);
  } catch (err) {
    if (err instanceof SilenceError) throw new SilenceError(`silence invalid: ${err.message}`);
    throw err;
  }
}

/**
 * Silences implements Alertmanager's silence semantics over a store: create/update (an
 * update that cannot be applied in place expires the old silence and creates a new one),
 * expire, muting, and retention of expired silences.
 */
export class Silences {
  private readonly compiled = new Map<string, { updatedAt: number; matchers: Matcher[] }>();

  constructor(
    private readonly store: SilenceStore,
    private readonly clock: Clock,
    readonly retentionMs: number,
  ) {}

  list(): Silence[] {
    return this.store.all();
  }

  get(id: string): Silence | undefined {
    return this.store.get(id);
  }

  state(s: Silence): SilenceState {
    return silenceState(s, this.clock.now());
  }

  /** set creates or updates a silence and returns its id (Alertmanager's Silences.Set). */
  set(input: Omit<Silence, 'updatedAt'>): string {
    const now = this.clock.now();
    const prev = input.id ? this.store.get(input.id) : undefined;
    if (input.id && !prev) throw new SilenceNotFoundError();
    const sil: Silence = { ...input, updatedAt: now };
    if (prev) {
      if (this.canUpdate(prev, sil, now)) {
        validated(sil);
        this.store.put(sil);
        return sil.id;
      }
      if (silenceState(prev, now) !== 'expired') this.expire(prev.id);
    }
    sil.id = randomUUID();
    if (sil.startsAt < now) sil.startsAt = now;
    validated(sil);
    this.store.put(sil);
    return sil.id;
  }

  private canUpdate(a: Silence, b: Silence, now: Date): boolean {
    if (!sameMatchers(a, b)) return false;
    switch (silenceState(a, now)) {
      case 'active':
        return b.startsAt.getTime() === a.startsAt.getTime() && !(b.endsAt < now);
      case 'pending':
        return !(b.startsAt < now);
      default:
        return false;
    }
  }

  /** expire ends a silence now (a pending one gets startsAt = endsAt = now). */
  expire(id: string): void {
    const sil = this.store.get(id);
    if (!sil) throw new SilenceNotFoundError();
    const now = this.clock.now();
    const state = silenceState(sil, now);
    // Observed on Alertmanager 0.25: expiring an expired silence succeeds and changes nothing.
    if (state === 'expired') return;
    this.store.put({ ...sil, startsAt: state === 'pending' ? now : sil.startsAt, endsAt: now, updatedAt: now });
  }

  /** mutedBy lists the ids of active silences matching the labels, sorted. */
  mutedBy(labels: Record<string, string>): string[] {
    const now = this.clock.now();
    const ids: string[] = [];
    for (const s of this.store.all()) {
      if (silenceState(s, now) !== 'active') continue;
      let c = this.compiled.get(s.id);
      if (!c || c.updatedAt !== s.updatedAt.getTime()) {
        c = { updatedAt: s.updatedAt.getTime(), matchers: compileMatchers(s) };
        this.compiled.set(s.id, c);
      }
      if (matchesAll(c.matchers, labels)) ids.push(s.id);
    }
    return ids.sort();
  }

  /** gc deletes silences whose endsAt is older than the retention period. */
  gc(): number {
    const cutoff = this.clock.now().getTime() - this.retentionMs;
    let n = 0;
    for (const s of this.store.all()) {
      if (s.endsAt.getTime() < cutoff) {
        this.store.delete(s.id);
        this.compiled.delete(s.id);
        n++;
      }
    }
    return n;
  }
}
