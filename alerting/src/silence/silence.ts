import { Matcher, type MatchType } from '../matcher/matcher';
import { GoRegexError } from '../matcher/go-regex';
import { isValidLabelName } from '../types/alert';

/** SilenceMatcher is a matcher as the API and store hold it. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

/** Silence mutes alerts matching all its matchers between startsAt and endsAt. */
export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  updatedAt: Date;
  createdBy: string;
  comment: string;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** SilenceError carries Alertmanager's message for an invalid silence. */
export class SilenceError extends Error {}
/** SilenceNotFoundError: no silence with that id. */
export class SilenceNotFoundError extends Error {
  constructor() {
    super('silence not found');
  }
}

/** silenceState is pending before startsAt, active until endsAt, then expired. */
export function silenceState(s: Silence, now: Date): SilenceState {
  if (now < s.startsAt) return 'pending';
  if (now < s.endsAt) return 'active';
  return 'expired';
}

function matchType(m: SilenceMatcher): MatchType {
  return m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
}

/** compileMatchers turns stored matchers into Matchers (validated at creation). */
export function compileMatchers(s: Silence): Matcher[] {
  return s.matchers.map((m) => new Matcher(matchType(m), m.name, m.value));
}

/** validateSilence applies Alertmanager's silence validation, with its messages. */
export function validateSilence(s: Silence): void {
  if (s.matchers.length === 0) throw new SilenceError('at least one matcher required');
  const compiled: Matcher[] = [];
  s.matchers.forEach((m, i) => {
    if (!isValidLabelName(m.name)) throw new SilenceError(`invalid label matcher ${i}: invalid label name "${m.name}"`);
    if (m.isRegex) {
      try {
        compiled.push(new Matcher(matchType(m), m.name, m.value));
      } catch (err) {
        if (err instanceof GoRegexError) throw new SilenceError(`invalid label matcher ${i}: invalid regular expression "${m.value}": ${err.message}`);
        throw err;
      }
    } else compiled.push(new Matcher(matchType(m), m.name, m.value));
  });
  if (compiled.every((m) => m.matches(''))) throw new SilenceError('at least one matcher must not match the empty string');
  if (s.endsAt < s.startsAt) throw new SilenceError('end time must not be before start time');
}
