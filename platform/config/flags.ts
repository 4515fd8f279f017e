import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from './config-error';

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * parseFlags parses Prometheus-style long flags (`--config.file=PATH`), rejecting unknown
 * ones with a ConfigError that names the flag.
 */
export function parseFlags(argv: string[], options: FlagSpec, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    const message = (err as Error).message;
    const flag = /'(--?[^'\s]+)/.exec(message)?.[1] ?? 'arguments';
    throw new ConfigError(flag, message);
  }
}
