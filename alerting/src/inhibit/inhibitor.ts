import type { InhibitRuleConfig } from '../config/inhibit-rule-config';
import { matchesAll } from '../matcher/matcher';
import type { Alert } from '../types/alert';
import type { Clock } from '../types/clock';

interface Rule {
  cfg: InhibitRuleConfig;
  /** Source alerts seen so far, by fingerprint (may be stale: resolved ones are skipped). */
  sources: Map<string, Alert>;
}

/**
 * Inhibitor mutes target alerts while a matching source alert fires with the same `equal`
 * labels. An alert matching both sides is not inhibited by alerts that also match both.
 */
export class Inhibitor {
  private readonly rules: Rule[];

  constructor(
    rules: InhibitRuleConfig[],
    private readonly clock: Clock,
  ) {
    this.rules = rules.map((cfg) => ({ cfg, sources: new Map() }));
  }

  /** observe records an alert update (subscribed to the alert store). */
  observe(alert: Alert): void {
    for (const r of this.rules) if (matchesAll(r.cfg.source, alert.labels)) r.sources.set(alert.fingerprint, alert);
  }

  /** inhibitedBy returns the fingerprint of an inhibiting source, or undefined. */
  inhibitedBy(labels: Record<string, string>): string | undefined {
    const now = this.clock.now();
    for (const r of this.rules) {
      if (!matchesAll(r.cfg.target, labels)) continue;
      const excludeTwoSided = matchesAll(r.cfg.source, labels);
      outer: for (const a of r.sources.values()) {
        if (a.endsAt <= now) continue;
        for (const n of r.cfg.equal) if ((a.labels[n] ?? '') !== (labels[n] ?? '')) continue outer;
        if (excludeTwoSided && matchesAll(r.cfg.target, a.labels)) continue;
        return a.fingerprint;
      }
    }
    return undefined;
  }

  /** forget drops alerts the store garbage-collected. */
  forget(fingerprints: string[]): void {
    for (const r of this.rules) for (const fp of fingerprints) r.sources.delete(fp);
  }
}
