import { z } from 'zod';
import { FieldError } from './field-error';

export interface HistoryQuery {
  receiver?: string;
  groupKey?: string;
  from?: Date;
  to?: Date;
  outcome?: 'success' | 'failure';
  limit: number;
  before?: string;
}

export const HISTORY_DEFAULT_LIMIT = 100;
export const HISTORY_MAX_LIMIT = 1000;

const time = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time such as 2026-11-25T10:00:00Z');
const schema = z
  .object({
    receiver: z.string().min(1, 'must not be empty').optional(),
    groupKey: z.string().min(1, 'must not be empty').optional(),
    from: time.optional(),
    to: time.optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    limit: z.string().regex(/^\d+$/, 'must be a positive integer').optional(),
    before: z.string().regex(/^\d+$/, 'must be the id of an entry').optional(),
  })
  .strict();

/**
 * parseHistoryQuery validates `GET /api/v2/notifications` parameters: one value each,
 * RFC 3339 times with from < to, a limit up to HISTORY_MAX_LIMIT. Unknown parameters are
 * rejected so a typo (`reciever=`) never silently returns everything.
 */
export function parseHistoryQuery(raw: Record<string, unknown>): HistoryQuery {
  for (const [k, v] of Object.entries(raw)) if (Array.isArray(v)) throw new FieldError(k, 'give it at most once');
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue.code === 'unrecognized_keys') throw new FieldError(issue.keys[0], 'unknown query parameter (known: receiver, groupKey, from, to, outcome, limit, before)');
    throw new FieldError(String(issue.path[0]), issue.message);
  }
  const q = r.data;
  const limit = q.limit === undefined ? HISTORY_DEFAULT_LIMIT : Number(q.limit);
  if (limit < 1 || limit > HISTORY_MAX_LIMIT) throw new FieldError('limit', `must be between 1 and ${HISTORY_MAX_LIMIT}`);
  const from = q.from ? new Date(q.from) : undefined;
  const to = q.to ? new Date(q.to) : undefined;
  if (from && to && from >= to) throw new FieldError('to', 'must be after from');
  return { receiver: q.receiver, groupKey: q.groupKey, from, to, outcome: q.outcome, limit, before: q.before };
}
