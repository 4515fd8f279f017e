/**
 * Checks on a resolved Compose model (the output of `docker-compose config`): what the v1.1
 * audit's HARD-01..04 required, as code. Each function returns human-readable violations,
 * empty when the model complies.
 */
export interface ComposeService {
  image?: string;
  environment?: Record<string, string | number | null> | string[];
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
  deploy?: { resources?: { limits?: { cpus?: string | number; memory?: string } } };
  logging?: { driver?: string; options?: Record<string, string> };
  profiles?: string[];
}
export interface ComposeModel {
  services: Record<string, ComposeService>;
}

/** Names that hold credentials; such variables must point at a file (`*_FILE`, Grafana's `__FILE`). */
const SECRET_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL|CONNECTION_STRING|DSN/i;
/** Values that are credentials whatever the variable is called. */
const SECRET_VALUE = [/:\/\/[^/\s:@]+:[^@\s]+@/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /\bxox[abp]-[\w-]+/, /\bhooks\.slack\.com\/services\//, /\bAKIA[0-9A-Z]{16}\b/];

function envEntries(service: ComposeService): [string, string][] {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return env.map((e) => [e.split('=')[0], e.slice(e.indexOf('=') + 1)]);
  return Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
}

export function secretViolations(model: ComposeModel): string[] {
  const out: string[] = [];
  for (const [name, service] of Object.entries(model.services)) {
    for (const [key, value] of envEntries(service)) {
      const isFileRef = /_FILE$/.test(key) && value.startsWith('/run/secrets/');
      if (SECRET_NAME.test(key) && !isFileRef) out.push(`${name}: environment ${key} looks like a secret; use ${key}_FILE and a Docker secret`);
      if (SECRET_VALUE.some((re) => re.test(value))) out.push(`${name}: environment ${key} has a credential in its value`);
    }
  }
  return out;
}

/** An image reference pinned to an explicit version (tag with a digit, or a digest), never `latest`. */
export function imageViolations(model: ComposeModel): string[] {
  const out: string[] = [];
  for (const [name, service] of Object.entries(model.services)) {
    const image = service.image ?? '';
    const tag = image.includes('@sha256:') ? 'digest' : (image.split('/').pop()!.split(':')[1] ?? '');
    if (!image) out.push(`${name}: no image`);
    else if (tag !== 'digest' && (!/\d/.test(tag) || tag === 'latest')) out.push(`${name}: image ${image} is not pinned to a version`);
  }
  return out;
}

function bytes(memory: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)b?$/i.exec(memory.trim());
  if (!m) return NaN;
  return Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
}

/** Production: every running service has a health check, limits, a restart policy and rotated logs. */
export function productionViolations(model: ComposeModel): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(model.services)) {
    if (!s.healthcheck?.test || s.healthcheck.disable) out.push(`${name}: no healthcheck`);
    const limits = s.deploy?.resources?.limits;
    if (!(Number(limits?.cpus) > 0)) out.push(`${name}: no CPU limit`);
    if (!(bytes(String(limits?.memory ?? '')) > 0)) out.push(`${name}: no memory limit`);
    if (!['always', 'unless-stopped', 'on-failure'].includes(s.restart ?? '')) out.push(`${name}: no restart policy`);
    if (s.logging?.driver !== 'json-file' || !s.logging.options?.['max-size'] || !s.logging.options?.['max-file'])
      out.push(`${name}: logs are not rotated (json-file with max-size and max-file)`);
  }
  return out;
}
