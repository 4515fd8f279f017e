/**
 * Escalation (Alertmanager #2150): a route may name a chain of receivers (`escalate_to`) that
 * an unacknowledged group is re-routed to, one after another, every `escalate_after`.
 * Food-safety alerts (label category="food-safety") escalate by default: a group holding one
 * escalates after FOOD_SAFETY_ESCALATE_AFTER_MS along its route's chain even when the route
 * sets no `escalate_after`. Pure: the config parser and the dispatcher call it.
 */

/** EscalationConfig is what a route sets (undefined = inherit from the parent route). */
export interface EscalationConfig {
  escalateAfterMs?: number;
  escalateTo?: string[];
}

/** EscalationPolicy is a route's effective setting after inheritance. */
export interface EscalationPolicy {
  escalateAfterMs?: number;
  escalateTo: string[];
}

/** ChillCheck escalates an unacknowledged alert after 15 min (domain.md §2). */
export const FOOD_SAFETY_ESCALATE_AFTER_MS = 15 * 60_000;
export const FOOD_SAFETY_LABEL = { name: 'category', value: 'food-safety' } as const;

/** EscalationFieldError names the offending field, as config errors must. */
export class EscalationFieldError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/**
 * parseEscalationFields reads the two route extension fields. `parseDuration` is the
 * router's Prometheus-duration parser (passed in so this stays free of the config module).
 */
export function parseEscalationFields(route: Record<string, unknown>, path: string, parseDuration: (s: string, field: string) => number): EscalationConfig {
  const out: EscalationConfig = {};
  const after = route.escalate_after;
  if (after !== undefined && after !== null) {
    if (typeof after !== 'string') throw new EscalationFieldError(`${path}.escalate_after`, 'expected a duration such as 15m');
    out.escalateAfterMs = parseDuration(after, `${path}.escalate_after`);
    if (out.escalateAfterMs <= 0) throw new EscalationFieldError(`${path}.escalate_after`, 'escalate_after must be greater than zero');
  }
  const to = route.escalate_to;
  if (to !== undefined && to !== null) {
    if (!Array.isArray(to) || to.some((r) => typeof r !== 'string' || r === ''))
      throw new EscalationFieldError(`${path}.escalate_to`, 'expected a list of receiver names');
    out.escalateTo = to as string[];
  }
  return out;
}

/** inheritEscalation applies a child's fields over its parent's policy, as route timers inherit. */
export function inheritEscalation(parent: EscalationPolicy | undefined, own: EscalationConfig): EscalationPolicy {
  return {
    escalateAfterMs: own.escalateAfterMs ?? parent?.escalateAfterMs,
    escalateTo: own.escalateTo ?? parent?.escalateTo ?? [],
  };
}

/** undefinedEscalationReceivers lists receivers named in escalate_to that the config does not define. */
export function undefinedEscalationReceivers(policy: EscalationConfig, receivers: ReadonlySet<string>): string[] {
  return (policy.escalateTo ?? []).filter((r) => !receivers.has(r));
}

/** EffectiveEscalation is what the escalator needs for one group. */
export interface EffectiveEscalation {
  afterMs: number;
  chain: string[];
}

/**
 * escalationFor decides whether a group escalates: the route's escalate_after, or the
 * food-safety default when any of its alerts is a food-safety alert; never without a chain.
 */
export function escalationFor(policy: EscalationPolicy | undefined, alertLabels: Record<string, string>[]): EffectiveEscalation | undefined {
  if (!policy || policy.escalateTo.length === 0) return undefined;
  const foodSafety = alertLabels.some((l) => l[FOOD_SAFETY_LABEL.name] === FOOD_SAFETY_LABEL.value);
  const afterMs = policy.escalateAfterMs ?? (foodSafety ? FOOD_SAFETY_ESCALATE_AFTER_MS : undefined);
  return afterMs === undefined ? undefined : { afterMs, chain: policy.escalateTo };
}
