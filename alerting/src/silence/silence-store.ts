import type { Silence } from './silence';

/**
 * SilenceStore persists silences. The in-memory store serves a single router; a PostgreSQL
 * store (router_silences) can replace it without touching the Silences service.
 */
export interface SilenceStore {
  all(): Silence[];
  get(id: string): Silence | undefined;
  put(s: Silence): void;
  delete(id: string): void;
}

/** MemorySilenceStore keeps silences in a Map. */
export class MemorySilenceStore implements SilenceStore {
  private readonly byId = new Map<string, Silence>();
  all(): Silence[] {
    return [...this.byId.values()];
  }
  get(id: string): Silence | undefined {
    return this.byId.get(id);
  }
  put(s: Silence): void {
    this.byId.set(s.id, s);
  }
  delete(id: string): void {
    this.byId.delete(id);
  }
}
