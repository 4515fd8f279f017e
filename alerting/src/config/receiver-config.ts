import { ConfigFileError } from './config-file-error';
import { child, optList, optString, type RawMap } from './fields';
import type { GlobalConfig } from './global-config';
import { ALERTMANAGER_INTEGRATION_KEYS, INTEGRATIONS } from '../notify/registry';

/** IntegrationConfig is one parsed `<kind>_configs` entry. */
export interface IntegrationConfig {
  /** The receiver config key, e.g. `webhook_configs`. */
  kind: string;
  /** Index within that key's list: the notification log keeps one entry per index. */
  index: number;
  config: unknown;
}

export interface ReceiverConfig {
  name: string;
  integrations: IntegrationConfig[];
}

/** parseReceiver validates a receiver: a name plus integrations known to the registry. */
export function parseReceiver(raw: unknown, global: GlobalConfig, path: string): ReceiverConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigFileError(path, 'expected a mapping');
  const map = raw as RawMap;
  const integrations: IntegrationConfig[] = [];
  for (const key of Object.keys(map)) {
    if (key === 'name') continue;
    const kind = INTEGRATIONS[key];
    if (!kind) {
      if (ALERTMANAGER_INTEGRATION_KEYS.includes(key) || key.endsWith('_configs'))
        throw new ConfigFileError(child(path, key), `unsupported integration "${key}" (this router supports ${Object.keys(INTEGRATIONS).join(', ')})`);
      throw new ConfigFileError(child(path, key), `field ${key} not found (unknown field)`);
    }
    (optList(map, key, path) ?? []).forEach((entry, index) => {
      integrations.push({ kind: key, index, config: kind.parse(entry, global, child(child(path, key), index)) });
    });
  }
  const name = optString(map, 'name', path);
  if (!name) throw new ConfigFileError(child(path, 'name'), 'missing name in receiver');
  return { name, integrations };
}

/** marshalReceiver renders a receiver with its integrations in Alertmanager's key order. */
export function marshalReceiver(r: ReceiverConfig): RawMap {
  const out: RawMap = { name: r.name };
  const keys = [...ALERTMANAGER_INTEGRATION_KEYS, ...Object.keys(INTEGRATIONS).filter((k) => !ALERTMANAGER_INTEGRATION_KEYS.includes(k))];
  for (const key of keys) {
    const entries = r.integrations.filter((i) => i.kind === key);
    if (entries.length) out[key] = entries.map((i) => INTEGRATIONS[key].marshal(i.config));
  }
  return out;
}
