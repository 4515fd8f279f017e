import { ConfigFileError } from './config-file-error';

/** RawMap is a YAML mapping after parsing, before validation. */
export type RawMap = Record<string, unknown>;

/** child joins a YAML path and a key or index for error messages. */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * strictMap checks that `raw` is a mapping whose keys are all in `allowed`, as Go's strict
 * YAML unmarshal does; an absent (null) value is an empty mapping.
 */
export function strictMap(raw: unknown, path: string, allowed: readonly string[]): RawMap {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigFileError(path, 'expected a mapping');
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new ConfigFileError(child(path, key), `field ${key} not found (unknown field)`);
  }
  return raw as RawMap;
}

export function optString(map: RawMap, key: string, path: string): string | undefined {
  const v = map[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new ConfigFileError(child(path, key), 'expected a string');
}

export function optBool(map: RawMap, key: string, path: string): boolean | undefined {
  const v = map[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ConfigFileError(child(path, key), `cannot unmarshal ${JSON.stringify(v)} into bool`);
  return v;
}

export function optInt(map: RawMap, key: string, path: string): number | undefined {
  const v = map[key];
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ConfigFileError(child(path, key), `cannot unmarshal ${JSON.stringify(v)} into an integer`);
  return v;
}

export function optList(map: RawMap, key: string, path: string): unknown[] | undefined {
  const v = map[key];
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) throw new ConfigFileError(child(path, key), 'expected a list');
  return v;
}

export function optStringList(map: RawMap, key: string, path: string): string[] | undefined {
  const list = optList(map, key, path);
  return list?.map((item, i) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new ConfigFileError(child(child(path, key), i), 'expected a string');
  });
}

/** parseUrl accepts absolute http(s) URLs only, as Alertmanager's config.URL. */
export function parseHttpUrl(value: string | undefined, path: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigFileError(path, `parse "${value}": invalid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigFileError(path, `unsupported scheme "${url.protocol.slice(0, -1)}" for URL`);
  if (!url.hostname) throw new ConfigFileError(path, 'host is required in URL');
  return value;
}
