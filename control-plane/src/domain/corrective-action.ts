/** What happened to the product, as inspectors expect it recorded. */
export const PRODUCT_DISPOSITIONS = ['discarded', 'used-immediately', 're-chilled', 're-heated', 'relocated', 'retained-for-evaluation', 'no-product-affected'] as const;
export type ProductDisposition = (typeof PRODUCT_DISPOSITIONS)[number];

export type CorrectiveActionState = 'open' | 'completed' | 'verified';

/**
 * nextStateProblem explains why a transition is not allowed, or returns undefined. The
 * verifier must be someone other than the person who completed the action (four eyes).
 */
export function transitionProblem(
  current: { state: CorrectiveActionState; completedBy: string | null },
  to: 'completed' | 'verified',
  actor: string,
): string | undefined {
  if (to === 'completed' && current.state !== 'open') return `corrective action is already ${current.state}`;
  if (to === 'verified') {
    if (current.state === 'open') return 'corrective action must be completed before it is verified';
    if (current.state === 'verified') return 'corrective action is already verified';
    if (current.completedBy === actor) return 'the verifier must be a different person from the one who completed the action';
  }
  return undefined;
}
