/** The /audit pages keep the caller's JWT in this cookie (HttpOnly, SameSite=Strict). */
export const SESSION_COOKIE = 'ft_session';

/** readCookie finds one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const idx = part.indexOf('=');
    if (idx > 0 && part.slice(0, idx).trim() === name) return decodeURIComponent(part.slice(idx + 1).trim());
  }
  return undefined;
}

/** sessionCookie sets the token for the lifetime of the browser session, on the /audit path only. */
export function sessionCookie(token: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/audit; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
