/**
 * Keyset pagination cursors: the sort key and id of the last row returned, opaque to clients
 * (base64url JSON). Keyset pages stay fast and stable while rows are being inserted.
 */
export interface Cursor {
  key: string;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.id])).toString('base64url');
}

/** decodeCursor returns undefined for anything that is not a cursor this API issued. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { key: value[0], id: value[1] };
    }
  } catch {
    // fall through: not ours
  }
  return undefined;
}
