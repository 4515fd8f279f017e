import { z } from 'zod';
import { ValidationError } from '../../../platform/errors/app-error';

/** parseInput validates a query or body; the first problem becomes a 400 naming its field. */
export function parseInput<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown, where: 'query' | 'body'): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : where;
  throw new ValidationError(field, issue.message);
}

/** Reusable query fields. */
export const uuid = () => z.string().uuid('must be a UUID');
export const isoTime = () => z.coerce.date({ errorMap: () => ({ message: 'must be an ISO-8601 time' }) });
export const pageQuery = {
  limit: z.coerce.number({ invalid_type_error: 'must be a number' }).int().min(1).max(1000).default(100),
  cursor: z.string().max(500).optional(),
  format: z.enum(['json', 'csv']).default('json'),
};
