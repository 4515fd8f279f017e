import type { AlertEvent, Excursion } from './excursion';
import { formatTemperature } from './temperature';
import type { UnitType } from './thresholds';

/** PostableAlert is one element of the Alertmanager API v2 `POST /api/v2/alerts` body. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Set for resolved alerts; firing ones get theirs when sent (see the outbox worker). */
  endsAt?: string;
  generatorURL: string;
}

/** Where an excursion happened, in the names people use. */
export interface AlertContext {
  orgSlug: string;
  siteName: string;
  unitName: string;
  unitType: UnitType;
  sensorExternalId: string;
  unitId: string;
}

export interface AlertLinks {
  /** The food-safety runbook page; each alert links its section, `#<alertname in lower case>`. */
  runbookBaseUrl: string;
  /** Grafana food-safety dashboard; `?var-org=<org slug>` is appended. */
  dashboardUrl: string;
}


function summary(ex: Excursion, ctx: AlertContext, retrospective: boolean): string {
  const where = `${ctx.unitName} (${ctx.siteName})`;
  if (retrospective) return `${pastSummary(ex, where)}; back to normal at ${(ex.closedAt ?? ex.lastReadingAt ?? ex.breachStartedAt).toISOString()}, found after it ended`;
  switch (ex.kind) {
    case 'TemperatureExcursion': {
      const side = ex.direction === 'high' ? 'above' : 'below';
      const now = ex.lastTemperatureC ?? ex.peakC ?? 0;
      return `${where} at ${formatTemperature(now)}, ${side} the ${formatTemperature(ex.limitC ?? 0)} limit since ${ex.breachStartedAt.toISOString()}`;
    }
    case 'CoolingTooSlow':
      return `${where}: food cooling since ${ex.breachStartedAt.toISOString()} from ${formatTemperature(ex.peakC ?? 0)} is not at or below ${formatTemperature(ex.limitC ?? 0)} in time, now ${formatTemperature(ex.lastTemperatureC ?? 0)}`;
    case 'DoorOpenTooLong':
      return `${where}: door open since ${ex.breachStartedAt.toISOString()}`;
    case 'SensorBatteryLow':
      return `${where}: sensor ${ctx.sensorExternalId} battery low`;
    case 'SensorOffline':
      return `${where}: sensor ${ctx.sensorExternalId} silent since ${ex.breachStartedAt.toISOString()}`;
  }
}

function pastSummary(ex: Excursion, where: string): string {
  const since = ex.breachStartedAt.toISOString();
  switch (ex.kind) {
    case 'TemperatureExcursion': {
      const side = ex.direction === 'high' ? 'above' : 'below';
      return `${where} was ${side} the ${formatTemperature(ex.limitC ?? 0)} limit from ${since}, peak ${formatTemperature(ex.peakC ?? 0)}`;
    }
    case 'CoolingTooSlow':
      return `${where}: food cooling from ${formatTemperature(ex.peakC ?? 0)} at ${since} missed its ${formatTemperature(ex.limitC ?? 0)} deadline`;
    case 'DoorOpenTooLong':
      return `${where}: door was open from ${since}`;
    case 'SensorBatteryLow':
      return `${where}: sensor battery was low from ${since}`;
    case 'SensorOffline':
      return `${where}: sensor was silent from ${since}`;
  }
}

/**
 * buildAlert turns an alert event into the postable alert the router receives. Labels
 * identify the alert (and so its fingerprint): alertname, category, severity, org, site,
 * unit, sensor, plus `retrospective="true"` for an excursion that had ended before it was
 * found (so its alert never merges with a live one of the same sensor). Annotations carry
 * the food-safety facts in °C and °F.
 */
export function buildAlert(event: AlertEvent, ctx: AlertContext, links: AlertLinks): PostableAlert {
  const ex = event.excursion;
  const dashboard = `${links.dashboardUrl}?var-org=${encodeURIComponent(ctx.orgSlug)}`;
  const annotations: Record<string, string> = {
    summary: summary(ex, ctx, event.retrospective === true),
    since: ex.breachStartedAt.toISOString(),
    runbook_url: `${links.runbookBaseUrl}#${ex.kind.toLowerCase()}`,
    dashboard: dashboard,
  };
  if (event.retrospective && ex.closedAt) annotations.ended = ex.closedAt.toISOString();
  if (ex.kind === 'CoolingTooSlow') {
    annotations.deadline = ex.openedAt?.toISOString() ?? '';
    annotations.limit = formatTemperature(ex.limitC ?? 0);
    annotations.suggested_disposition = ex.suggestedDisposition ?? 'discard';
  }
  if (ex.kind === 'TemperatureExcursion' && ex.peakC !== null) {
    annotations.peak = `${formatTemperature(ex.peakC)} at ${ex.peakAt?.toISOString() ?? ''}`;
    annotations.limit = formatTemperature(ex.limitC ?? 0);
    annotations.minutes_beyond_limit = (ex.secondsBeyondLimit / 60).toFixed(1);
    annotations.degree_minutes = ex.degreeMinutes.toFixed(1);
    if (ex.suggestedDisposition) annotations.suggested_disposition = ex.suggestedDisposition;
  }
  const alert: PostableAlert = {
    labels: {
      alertname: ex.kind,
      category: 'food-safety',
      severity: event.severity,
      org: ctx.orgSlug,
      site: ctx.siteName,
      unit: ctx.unitName,
      sensor: ctx.sensorExternalId,
      ...(event.retrospective ? { retrospective: 'true' } : {}),
    },
    annotations,
    startsAt: (ex.openedAt ?? ex.breachStartedAt).toISOString(),
    generatorURL: dashboard,
  };
  if (event.status === 'resolved') alert.endsAt = (ex.closedAt ?? ex.lastReadingAt ?? ex.breachStartedAt).toISOString();
  return alert;
}
