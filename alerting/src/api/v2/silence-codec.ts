import { Matcher } from '../../matcher/matcher';
import type { Silence, SilenceMatcher, SilenceState } from '../../silence/silence';
import { formatApiTime } from '../../types/go-time';
import { ApiValidationError } from './alert-codec';
import { goTypeName, JsonBodyError, parseGoTime } from './go-json-parse';

/** PostableSilence after go-openapi's schema checks. */
export interface PostableSilence {
  id?: string;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

function str(o: Record<string, unknown>, k: string, path: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(v)} into Go struct field ${path} of type string`);
  return v;
}

/** decodePostableSilence type-checks and schema-validates a silence body in go-openapi's order. */
export function decodePostableSilence(body: unknown): PostableSilence {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(body)} into Go value of type models.PostableSilence`);
  const o = body as Record<string, unknown>;
  const comment = str(o, 'comment', 'PostableSilence.comment');
  const createdBy = str(o, 'createdBy', 'PostableSilence.createdBy');
  const endsAt = str(o, 'endsAt', 'PostableSilence.endsAt');
  const startsAt = str(o, 'startsAt', 'PostableSilence.startsAt');
  if (o.matchers !== undefined && o.matchers !== null && !Array.isArray(o.matchers))
    throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(o.matchers)} into Go struct field PostableSilence.matchers of type models.Matchers`);
  const matchers = (o.matchers as unknown[] | undefined | null) ?? undefined;
  if (comment === undefined) throw new ApiValidationError(602, 'comment in body is required');
  if (createdBy === undefined) throw new ApiValidationError(602, 'createdBy in body is required');
  if (endsAt === undefined) throw new ApiValidationError(602, 'endsAt in body is required');
  if (matchers === undefined) throw new ApiValidationError(602, 'matchers in body is required');
  if (matchers.length < 1) throw new ApiValidationError(612, 'matchers in body should have at least 1 items');
  const ms = matchers.map((m, i) => {
    if (typeof m !== 'object' || m === null) throw new JsonBodyError(`json: cannot unmarshal ${goTypeName(m)} into Go value of type models.Matcher`);
    const mo = m as Record<string, unknown>;
    if (mo.isRegex === undefined || mo.isRegex === null) throw new ApiValidationError(602, `matchers.${i}.isRegex in body is required`);
    if (mo.name === undefined || mo.name === null) throw new ApiValidationError(602, `matchers.${i}.name in body is required`);
    if (mo.value === undefined || mo.value === null) throw new ApiValidationError(602, `matchers.${i}.value in body is required`);
    return { name: String(mo.name), value: String(mo.value), isRegex: mo.isRegex === true, isEqual: mo.isEqual === undefined || mo.isEqual === null ? true : mo.isEqual === true };
  });
  if (startsAt === undefined) throw new ApiValidationError(602, 'startsAt in body is required');
  const id = str(o, 'id', 'PostableSilence.id');
  return { id: id || undefined, matchers: ms, startsAt: new Date(parseGoTime(startsAt).ms), endsAt: new Date(parseGoTime(endsAt).ms), createdBy, comment };
}

/** gettableSilence renders a silence in v2's field order. */
export function gettableSilence(s: Silence, state: SilenceState): Record<string, unknown> {
  return {
    id: s.id,
    status: { state },
    updatedAt: formatApiTime(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: formatApiTime(s.endsAt),
    matchers: s.matchers.map((m) => ({ isEqual: m.isEqual, isRegex: m.isRegex, name: m.name, value: m.value })),
    startsAt: formatApiTime(s.startsAt),
  };
}

/** silenceMatchesFilter is Alertmanager's filter over a silence's own matchers. */
export function silenceMatchesFilter(s: Silence, filters: Matcher[]): boolean {
  const sms = new Map(s.matchers.map((m) => [m.name, m.value]));
  for (const f of filters) {
    const v = sms.get(f.name);
    const negative = f.type === '!=' || f.type === '!~';
    if (f.value === '' && (negative ? v !== undefined : v === undefined)) continue;
    if (!f.matches(v)) return false;
  }
  return true;
}

const ORDER: Record<SilenceState, number> = { active: 1, pending: 2, expired: 3 };

/** sortSilences: active by endsAt, then pending by startsAt, then expired by endsAt descending. */
export function compareSilences(a: { s: Silence; state: SilenceState }, b: { s: Silence; state: SilenceState }): number {
  if (a.state !== b.state) return ORDER[a.state] - ORDER[b.state];
  if (a.state === 'active') return a.s.endsAt.getTime() - b.s.endsAt.getTime();
  if (a.state === 'pending') return a.s.startsAt.getTime() - b.s.startsAt.getTime();
  return b.s.endsAt.getTime() - a.s.endsAt.getTime();
}
