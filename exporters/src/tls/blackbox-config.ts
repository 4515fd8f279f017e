import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../../platform/config/config-error';

/** parseDuration reads Prometheus durations ("5s", "1m30s", "500ms") into milliseconds. */
export function parseDuration(field: string, text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let consumed = '';
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]];
    consumed += m[0];
  }
  if (!consumed || consumed !== text) throw new ConfigError(field, `"${text}" is not a duration like 5s or 1m30s`);
  return total;
}

const queryResponse = z
  .object({ expect: z.string().optional(), send: z.string().optional(), starttls: z.boolean().optional() })
  .passthrough();

const tlsConfig = z
  .object({
    ca_file: z.string().optional(),
    cert_file: z.string().optional(),
    key_file: z.string().optional(),
    server_name: z.string().optional(),
    insecure_skip_verify: z.boolean().optional(),
    min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
    max_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
  })
  .passthrough();

/**
 * The module schema is blackbox_exporter's, so an existing blackbox.yml loads unchanged.
 * Keys of other probers are accepted (a blackbox file mixes http/icmp/dns modules) but only
 * `tcp` modules can be used for /probe here. `tcp.starttls` (smtp|postgres) is our one
 * extension: blackbox expresses SMTP STARTTLS with query_response, which works too, and has
 * no way to express PostgreSQL's SSLRequest.
 */
const moduleSchema = z
  .object({
    prober: z.string(),
    timeout: z.string().optional(),
    tcp: z
      .object({
        tls: z.boolean().optional(),
        tls_config: tlsConfig.optional(),
        query_response: z.array(queryResponse).optional(),
        preferred_ip_protocol: z.enum(['ip4', 'ip6']).optional(),
        ip_protocol_fallback: z.boolean().optional(),
        starttls: z.enum(['smtp', 'postgres']).optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export type ProbeModule = z.infer<typeof moduleSchema> & { timeoutMs?: number; caPem?: string };

const fileSchema = z.object({ modules: z.record(moduleSchema) }).strict();

/** DEFAULT_MODULES serve /probe when no --tls.config.file is given (the names the Prometheus config uses). */
export const DEFAULT_MODULES: Record<string, ProbeModule> = {
  tls: { prober: 'tcp', timeout: '10s', tcp: { tls: true } },
  tls_insecure: { prober: 'tcp', timeout: '10s', tcp: { tls: true, tls_config: { insecure_skip_verify: true } } },
  smtp_starttls: { prober: 'tcp', timeout: '10s', tcp: { tls: true, starttls: 'smtp' } },
  postgres_starttls: { prober: 'tcp', timeout: '10s', tcp: { tls: true, starttls: 'postgres' } },
};

/** resolveModule checks a module once at load: durations parsed, CA files read. */
function resolveModule(field: string, m: ProbeModule, baseDir: string): ProbeModule {
  const out: ProbeModule = { ...m };
  if (m.timeout) out.timeoutMs = parseDuration(`${field}.timeout`, m.timeout);
  const ca = m.tcp?.tls_config?.ca_file;
  if (ca) {
    const path = ca.startsWith('/') ? ca : `${baseDir}/${ca}`;
    try {
      out.caPem = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`${field}.tcp.tls_config.ca_file`, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return out;
}

/** loadBlackboxModules reads blackbox_exporter's config file format (`modules:`). */
export function loadBlackboxModules(path: string | undefined): Record<string, ProbeModule> {
  if (!path) return Object.fromEntries(Object.entries(DEFAULT_MODULES).map(([k, m]) => [k, resolveModule(`modules.${k}`, m, '.')]));
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError('--tls.config.file', `cannot load ${path}: ${(err as Error).message}`);
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`--tls.config.file: ${issue.path.join('.') || '(root)'}`, issue.message);
  }
  const baseDir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.';
  return Object.fromEntries(Object.entries(result.data.modules).map(([k, m]) => [k, resolveModule(`modules.${k}`, m, baseDir)]));
}
