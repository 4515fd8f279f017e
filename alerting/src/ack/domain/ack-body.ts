import { z } from 'zod';
import { FieldError } from '../../history/domain/field-error';

export interface AckBody {
  acknowledgedBy: string;
  comment: string;
}

const ackSchema = z.object({
  acknowledgedBy: z.string({ required_error: 'is required', invalid_type_error: 'must be a string' }).trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
  comment: z.string({ invalid_type_error: 'must be a string' }).max(2000, 'at most 2000 characters').optional(),
});

/** parseAckBody validates `{acknowledgedBy, comment}` (the control plane's forwarding shape). */
export function parseAckBody(body: unknown): AckBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new FieldError('body', 'expected a JSON object {acknowledgedBy, comment}');
  const r = ackSchema.safeParse(body);
  if (!r.success) throw new FieldError(String(r.error.issues[0].path[0]), r.error.issues[0].message);
  return { acknowledgedBy: r.data.acknowledgedBy, comment: r.data.comment ?? '' };
}
