import { escalationFor, inheritEscalation, parseEscalationFields, undefinedEscalationReceivers, FOOD_SAFETY_ESCALATE_AFTER_MS } from './escalation-policy';

const parseDuration = (s: string, field: string) => {
  const m = /^(\d+)m$/.exec(s);
  if (!m) throw new Error(`${field}: not a duration "${s}"`);
  return Number(m[1]) * 60_000;
};

describe('escalation policy', () => {
  it('parses escalate_after and escalate_to, naming the field on errors', () => {
    expect(parseEscalationFields({ escalate_after: '10m', escalate_to: ['lead', 'owner'] }, 'route.routes[0]', parseDuration)).toEqual({
      escalateAfterMs: 600_000,
      escalateTo: ['lead', 'owner'],
    });
    // escalate_to may come from a parent route.
    expect(parseEscalationFields({ escalate_after: '10m' }, 'route', parseDuration)).toEqual({ escalateAfterMs: 600_000 });
    expect(() => parseEscalationFields({ escalate_after: 10 }, 'route', parseDuration)).toThrow('route.escalate_after: expected a duration');
    expect(() => parseEscalationFields({ escalate_to: 'lead' }, 'route', parseDuration)).toThrow('route.escalate_to: expected a list');
    expect(() => parseEscalationFields({ escalate_after: 'soon', escalate_to: ['x'] }, 'route', parseDuration)).toThrow('route.escalate_after: not a duration');
  });

  it('children inherit and override their parent', () => {
    const root = inheritEscalation(undefined, { escalateTo: ['owner'] });
    expect(inheritEscalation(root, { escalateAfterMs: 5 })).toEqual({ escalateAfterMs: 5, escalateTo: ['owner'] });
    expect(inheritEscalation(root, {})).toEqual({ escalateAfterMs: undefined, escalateTo: ['owner'] });
    expect(undefinedEscalationReceivers({ escalateTo: ['owner', 'ghost'] }, new Set(['owner']))).toEqual(['ghost']);
  });

  it('food-safety groups escalate by default, others only with escalate_after, none without a chain', () => {
    const chainOnly = { escalateTo: ['lead'] };
    expect(escalationFor(chainOnly, [{ alertname: 'A' }, { category: 'food-safety' }])).toEqual({ afterMs: FOOD_SAFETY_ESCALATE_AFTER_MS, chain: ['lead'] });
    expect(escalationFor(chainOnly, [{ category: 'infrastructure' }])).toBeUndefined();
    expect(escalationFor({ escalateAfterMs: 60_000, escalateTo: ['lead'] }, [{ category: 'food-safety' }])).toEqual({ afterMs: 60_000, chain: ['lead'] });
    expect(escalationFor({ escalateTo: [] }, [{ category: 'food-safety' }])).toBeUndefined();
  });
});
