import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { withTransaction, type Pool } from '../../../platform/db/pool';
import type { Clock } from '../types/clock';
import { lockGroupAcks } from './ack-store';
import { escalationFor, type EscalationPolicy } from './domain/escalation-policy';
import { EscalationStore } from './escalation-store';

/**
 * EscalationSender notifies one receiver of the chain about the group (the router runs that
 * receiver's integrations on the group's current alerts). It throws when delivery failed and
 * returns false when the group no longer exists (then the escalation is closed).
 */
export type EscalationSender = (receiver: string, groupKey: string) => Promise<boolean>;

export interface EscalatorOptions {
  db: Pool;
  send: EscalationSender;
  clock: Clock;
  logger: Logger;
  registry?: Registry;
  /** How often due steps are looked for; escalation is late by at most this much. */
  tickMs?: number;
  /** Lease of a claimed step: a replica that dies mid-send is replaced after it. */
  leaseMs?: number;
}

/**
 * Escalator re-routes unacknowledged groups along their route's `escalate_to` chain. Every
 * replica runs one; the store's claims make each step happen once. Time comes from the
 * injected clock, so tests show a step fires after escalate_after and not before.
 */
export class Escalator {
  private readonly store: EscalationStore;
  private timer: unknown;
  private stopped = false;
  private readonly steps?: Counter<'result'>;

  constructor(private readonly o: EscalatorOptions) {
    this.store = new EscalationStore(o.db);
    if (o.registry) {
      this.steps = new Counter({
        name: 'freshtrack_router_escalation_steps_total',
        help: 'Escalation steps attempted, by result (sent or failed).',
        labelNames: ['result'],
        registers: [o.registry],
      });
    }
  }

  /**
   * delivered is called after a group was notified: it opens an escalation when the route
   * (or the food-safety default) asks for one; once the group resolved it closes it and
   * notifies the chain receivers already escalated to, so their incidents close too.
   */
  async delivered(groupKey: string, policy: EscalationPolicy | undefined, alerts: { labels: Record<string, string> }[], groupLabels: Record<string, string>, firing: string[]): Promise<void> {
    const now = this.o.clock.now();
    if (firing.length === 0) {
      for (const receiver of await this.store.closeResolved(groupKey, now)) {
        await this.o.send(receiver, groupKey).catch((err: Error) =>
          this.o.logger.warn({ groupKey, receiver, err: err.message }, 'telling an escalation receiver the group resolved failed'),
        );
      }
      return;
    }
    const esc = escalationFor(policy, alerts.map((a) => a.labels));
    if (!esc) return;
    // Under the group's ack lock, so an ack landing meanwhile is seen here or closes what this opens.
    await withTransaction(this.o.db, async (c) => {
      await lockGroupAcks(c, groupKey);
      await new EscalationStore(c).start({ groupKey, chain: esc.chain, afterMs: esc.afterMs, groupLabels, firing, now });
    });
  }

  /** tick sends every due step once; returns how many were sent. */
  async tick(): Promise<number> {
    const now = this.o.clock.now();
    const due = await this.store.claimDue(now, randomUUID(), this.o.leaseMs ?? 60_000, 50);
    let sent = 0;
    for (const e of due) {
      const receiver = e.chain[e.step];
      try {
        const delivered = await trace.getTracer('freshtrack').startActiveSpan('alerting.escalate', async (span) => {
          span.setAttributes({ 'group.key': e.groupKey, receiver, step: e.step + 1 });
          try {
            return await this.o.send(receiver, e.groupKey);
          } finally {
            span.end();
          }
        });
        if (!delivered) {
          await this.store.close(e.groupKey, 'group no longer active', this.o.clock.now());
          continue;
        }
        await this.store.advance(e, this.o.clock.now());
        this.steps?.inc({ result: 'sent' });
        this.o.logger.info({ groupKey: e.groupKey, receiver, step: e.step + 1 }, 'escalated unacknowledged group');
        sent++;
      } catch (err) {
        await this.store.release(e);
        this.steps?.inc({ result: 'failed' });
        this.o.logger.warn({ groupKey: e.groupKey, receiver, err: (err as Error).message }, 'escalation step failed, will retry');
      }
    }
    return sent;
  }

  start(): void {
    const loop = () => {
      this.timer = this.o.clock.setTimeout(() => {
        this.tick()
          .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'escalation tick failed'))
          .finally(() => {
            if (!this.stopped) loop();
          });
      }, this.o.tickMs ?? 5_000);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }
}
