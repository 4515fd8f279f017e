import { ConfigError } from './config-error';

export interface ListenAddress {
  host: string;
  port: number;
}

/** parseListenAddress reads Prometheus-style `host:port` (`:9093` means all interfaces). */
export function parseListenAddress(field: string, value: string): ListenAddress {
  const idx = value.lastIndexOf(':');
  if (idx < 0) throw new ConfigError(field, `"${value}" is not host:port`);
  const rawHost = value.slice(0, idx);
  const host = rawHost === '' ? '0.0.0.0' : rawHost.replace(/^\[(.*)\]$/, '$1');
  const portText = value.slice(idx + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(field, `"${portText}" is not a port number`);
  return { host, port };
}
