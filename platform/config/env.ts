import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './config-error';

export type Env = Record<string, string | undefined>;

/**
 * readSecret returns NAME from the environment, or the contents of the file named by
 * NAME_FILE (Docker secrets). Setting both is ambiguous and rejected.
 */
export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && file !== undefined) {
    throw new ConfigError(name, `set either ${name} or ${name}_FILE, not both`);
  }
  if (file === undefined) return direct;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`${name}_FILE`, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * parseConfig validates raw settings against a zod schema once, at start-up. The first
 * problem becomes a ConfigError naming the field (by the key used in `raw`, which callers
 * keep equal to the env var or flag name).
 */
export function parseConfig<S extends z.ZodTypeAny>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  throw new ConfigError(field, issue.message);
}

/** Common zod helpers for settings that arrive as strings. */
export const setting = {
  port: () => z.coerce.number({ invalid_type_error: 'must be a port number' }).int().min(0).max(65535),
  positiveInt: () => z.coerce.number({ invalid_type_error: 'must be a number' }).int().positive(),
  url: () => z.string().url('must be a URL'),
  bool: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { errorMap: () => ({ message: 'must be true or false' }) })
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
};
