/** NotificationEntry is the last successful notification of one group to one integration. */
export interface NotificationEntry {
  firing: string[];
  resolved: string[];
  timestamp: Date;
  expiresAt: Date;
}

/** NotificationKey identifies (receiver, integration + index, group key), as Alertmanager's nflog. */
export interface NotificationKey {
  receiver: string;
  integration: string;
  index: number;
  groupKey: string;
}

/**
 * NotificationLog stores the last notification per key for deduplication. The memory log
 * serves one router; a PostgreSQL log (router_notification_log) can replace it.
 */
export interface NotificationLog {
  query(key: NotificationKey): Promise<NotificationEntry | undefined>;
  log(key: NotificationKey, entry: NotificationEntry): Promise<void>;
  gc(now: Date): Promise<number>;
}

const keyString = (k: NotificationKey) => `${k.receiver}/${k.integration}/${k.index}\u0000${k.groupKey}`;

/** MemoryNotificationLog keeps the log in a Map. */
export class MemoryNotificationLog implements NotificationLog {
  private readonly entries = new Map<string, NotificationEntry>();

  async query(key: NotificationKey): Promise<NotificationEntry | undefined> {
    return this.entries.get(keyString(key));
  }

  async log(key: NotificationKey, entry: NotificationEntry): Promise<void> {
    this.entries.set(keyString(key), entry);
  }

  async gc(now: Date): Promise<number> {
    let n = 0;
    for (const [k, e] of this.entries) {
      if (e.expiresAt <= now) {
        this.entries.delete(k);
        n++;
      }
    }
    return n;
  }
}
