import { readFile } from 'node:fs/promises';
import type { HttpClientConfig } from '../config/http-config';

async function secret(value: string | undefined, file: string | undefined): Promise<string> {
  if (file) return (await readFile(file, 'utf8')).trim();
  return value ?? '';
}

/** authorizationHeader renders `http_config` basic/bearer auth as an Authorization header. */
export async function authorizationHeader(cfg: HttpClientConfig): Promise<string | undefined> {
  if (cfg.basicAuth) {
    const password = await secret(cfg.basicAuth.password, cfg.basicAuth.passwordFile);
    return `Basic ${Buffer.from(`${cfg.basicAuth.username}:${password}`).toString('base64')}`;
  }
  if (cfg.authorization) {
    return `${cfg.authorization.type} ${await secret(cfg.authorization.credentials, cfg.authorization.credentialsFile)}`;
  }
  if (cfg.bearerToken || cfg.bearerTokenFile) return `Bearer ${await secret(cfg.bearerToken, cfg.bearerTokenFile)}`;
  return undefined;
}
