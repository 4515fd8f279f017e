import { z } from 'zod';
import { profileDefaults, type UnitType } from '../../../platform/contracts/food-safety-profiles';
import { sessionCookie } from '../auth/session-cookie';
import { bucketSeconds } from '../domain/downsampling';
import { temperatureChartSvg } from '../domain/temperature-chart';
import { AUDIT_READERS, hasAnyRole } from '../domain/roles';
import { toCsv } from '../domain/csv';
import { allRows, AUDIT_VIEWS, csvColumns } from '../services/audit-views';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../platform/errors/app-error';
import { defineRoute, type AnyRoute } from '../http/route-spec';
import { isoTime } from '../http/validation';
import { esc, Html, page, table } from '../pages/html';

const DAY = 86400_000;
const rangeQuery = z.object({ from: isoTime().optional(), to: isoTime().optional() });
const html = ['text/html'] as ('text/html')[];

function range(q: { from?: Date; to?: Date }, defaultDays: number): { from: Date; to: Date } {
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - defaultDays * DAY);
  if (to <= from) throw new ValidationError('to', 'must be after from');
  return { from, to };
}

const resultCell = (r: unknown) => new Html(`<span class="${r === 'success' ? 'ok' : r === 'failure' ? 'bad' : 'warn'}">${esc(r)}</span>`);

/**
 * Server-rendered pages for auditors and inspectors (no client script). Sign-in: open
 * /audit/login?token=JWT once; the token goes into an HttpOnly, SameSite=Strict cookie
 * limited to /audit and is accepted there for GET requests only.
 */
export const auditPageRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/audit/login', summary: 'Exchange a JWT for the /audit session cookie, then redirect to /audit', tag: 'audit-pages', auth: 'public', scope: 'public', produces: html, successStatus: 303,
    query: z.object({ token: z.string().min(10, 'must be a JWT').max(8000) }),
    handler: async ({ services, query }) => {
      await services.authenticator.principalOf(query.token);
      return { redirect: '/audit', setCookie: sessionCookie(query.token, services.config.secureCookie) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit', summary: 'Auditor overview: units, latest backup, restore test and certificates', tag: 'audit-pages', auth: 'user', scope: 'org', roles: AUDIT_READERS, produces: html,
    handler: async ({ stores }) => {
      const org = await stores.inventory.organization();
      const units = await stores.inventory.listUnits();
      const sites = new Map((await stores.inventory.listSites()).map((s) => [s.id, s.name]));
      const backups = (await stores.auditViews.backups({ limit: 50 })).items;
      const lastOf = (kind: string) => backups.find((b) => b.kind === kind);
      const lastBackup = lastOf('backup');
      const lastRestore = lastOf('restore_test');
      const body = `<h2>Units</h2>${table(
        ['Site', 'Unit', 'Type', 'Temperature log'],
        units.map((u) => [sites.get(u.siteId), u.name, u.unitType, new Html(`<a href="/audit/units/${esc(u.id)}">log &amp; excursions</a>`)]),
        'No units yet.',
      )}
<h2>Exports (CSV, last 30 days)</h2><ul>${Object.values(AUDIT_VIEWS)
        .map((v) => `<li><a href="/audit/export/${esc(v.name)}">${esc(v.title)}</a></li>`)
        .join('')}</ul>
<h2>Backups</h2><p>Last backup: ${lastBackup ? `${esc(lastBackup.startedAt)} — ${resultCell(lastBackup.result).html}` : '<span class="bad">none recorded</span>'}<br>
Last restore test: ${lastRestore ? `${esc(lastRestore.startedAt)} — ${resultCell(lastRestore.result).html}` : '<span class="bad">none recorded</span>'}</p>`;
      return { html: page('Audit overview', String(org.name), body) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/backups', summary: 'Backups and restore tests (printable)', tag: 'audit-pages', auth: 'user', scope: 'platform', roles: AUDIT_READERS, produces: html, query: rangeQuery,
    handler: async ({ stores, query }) => {
      const { from, to } = range(query, 90);
      const org = await stores.inventory.organization();
      const rows = (await stores.auditViews.backups({ from, to, limit: 1000 })).items;
      const body = `<p class="meta">${esc(from)} to ${esc(to)}</p>${table(
        ['Kind', 'Database', 'Started', 'Finished', 'Duration (s)', 'Result', 'Size (bytes)', 'SHA-256', 'Error'],
        rows.map((r) => [r.kind === 'restore_test' ? 'restore test' : 'backup', r.database, r.startedAt, r.finishedAt, r.durationSeconds === null ? '' : Number(r.durationSeconds).toFixed(1), resultCell(r.result), r.sizeBytes, String(r.sha256 ?? '').slice(0, 16), r.error]),
      )}`;
      return { html: page('Backups and restore tests', String(org.name), body) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/certificates', summary: 'Certificate history with days left (printable)', tag: 'audit-pages', auth: 'user', scope: 'platform', roles: AUDIT_READERS, produces: html, query: rangeQuery,
    handler: async ({ stores, query }) => {
      const { from, to } = range(query, 365);
      const org = await stores.inventory.organization();
      const rows = (await stores.auditViews.certificates({ from, to, limit: 1000 })).items;
      const days = (d: unknown) => new Html(`<span class="${Number(d) < 0 ? 'bad' : Number(d) <= 7 ? 'bad' : Number(d) <= 30 ? 'warn' : 'ok'}">${esc(Number(d) < 0 ? `expired ${-Number(d)} d ago` : `${d} days`)}</span>`);
      // Renewal is overdue past two thirds of the lifetime (certificates of 47 days make fixed thresholds misfire).
      const lifetime = (pct: unknown) => new Html(`<span class="${Number(pct) > 200 / 3 ? 'warn' : ''}">${esc(pct)}%${Number(pct) > 200 / 3 && Number(pct) < 100 ? ' (renewal overdue)' : ''}</span>`);
      const body = table(
        ['Target', 'Observed', 'Subject', 'Issuer', 'Not after', 'Days left', 'Lifetime used', 'Fingerprint', 'Renewed'],
        rows.map((r) => [r.target, r.observedAt, r.subject, r.issuer, r.notAfter, days(r.daysLeft), lifetime(r.lifetimeUsedPct), String(r.fingerprintSha256).slice(0, 16), r.renewedAfter ? 'renewed after this' : '']),
      );
      return { html: page('Certificate history', String(org.name), body) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/notifications', summary: 'Notifications delivered by the router (printable)', tag: 'audit-pages', auth: 'user', scope: 'org', roles: AUDIT_READERS, produces: html, query: rangeQuery,
    handler: async ({ stores, query }) => {
      const { from, to } = range(query, 30);
      const org = await stores.inventory.organization();
      const rows = (await stores.auditViews.notifications({ from, to, limit: 1000 })).items;
      const body = table(
        ['Sent', 'Receiver', 'Integration', 'Alerts', 'Firing', 'Resolved', 'Outcome', 'Attempt', 'Error'],
        rows.map((r) => [r.sentAt, r.receiver, r.integration, r.alertnames, r.firing, r.resolved, resultCell(r.outcome), r.attempt, r.error]),
      );
      return { html: page('Notifications delivered', String(org.name), body) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/units/:unitId', summary: 'Temperature log with chart and excursions with corrective actions, per unit (printable)', tag: 'audit-pages', auth: 'user', scope: 'org', roles: AUDIT_READERS, produces: html, query: rangeQuery,
    handler: async ({ stores, params, query }) => {
      const { from, to } = range(query, 7);
      const org = await stores.inventory.organization();
      const unit = await stores.inventory.getUnit(params.unitId);
      const site = await stores.inventory.getSite(String(unit.siteId));
      const limits = (await stores.inventory.getThresholds(params.unitId)) ?? profileDefaults(String(site.jurisdiction ?? org.jurisdiction), unit.unitType as UnitType);
      const bucket = bucketSeconds(from, to, 300) ?? 60;
      const points = await stores.readings.downsampled({ by: 'unit', id: params.unitId, from, to, limit: 1000 }, bucket);
      const chart = temperatureChartSvg(
        points.map((p) => ({ at: p.bucketStart as Date, avgC: Number(p.avgC), minC: Number(p.minC), maxC: Number(p.maxC) })),
        { maxWarningC: limits.maxWarningC as number | null, minWarningC: limits.minWarningC as number | null },
        from,
        to,
      );
      const excursions = (await stores.auditViews.excursionsWithActions({ unitId: params.unitId, from, to, limit: 500 })).items;
      const body = `<p class="meta">${esc(site.name)} · ${esc(unit.unitType)} · ${esc(from)} to ${esc(to)}</p>
<h2>Temperature</h2>${chart}
<h2>Excursions and corrective actions</h2>${table(
        ['Started', 'Kind', 'Severity', 'State', 'Peak °C', 'Corrective action', 'Disposition', 'Completed by', 'Verified by'],
        excursions.map((e) => [e.breachStartedAt, e.kind, e.severity, e.state, e.peakC, e.actionTaken ?? new Html('<span class="bad">open</span>'), e.productDisposition,
          e.completedBy ? `${e.completedBy} (${e.completionMeaning}) ${esc(e.completedAt)}` : '', e.verifiedBy ? `${e.verifiedBy} (${e.verificationMeaning}) ${esc(e.verifiedAt)}` : '']),
      )}
<h2>Temperature log</h2><p class="meta">Per ${bucket / 60}-minute period: lowest, average and highest reading. Every individual reading is in the CSV export (/v1/audit/temperature-log?format=csv&amp;unitId=${esc(unit.id)}).</p>${table(
        ['Period start', 'Readings', 'Min °C', 'Avg °C', 'Max °C', 'Above limit'],
        points.map((p) => [p.bucketStart, p.count, p.minC, p.avgC, p.maxC, limits.maxWarningC !== null && Number(p.maxC) > Number(limits.maxWarningC) ? new Html('<span class="bad">yes</span>') : '']),
      )}`;
      return { html: page(`Temperature log — ${unit.name}`, String(org.name), body) };
    },
  }),
  defineRoute({
    method: 'get', path: '/audit/export/:view', summary: 'CSV download of one audit view for the signed-in browser (default: last 30 days)', tag: 'audit-pages', auth: 'user', scope: 'org', roles: AUDIT_READERS,
    produces: ['text/csv'], query: rangeQuery,
    handler: async ({ stores, principal, params, query }) => {
      const view = AUDIT_VIEWS[params.view];
      if (!view || !Object.prototype.hasOwnProperty.call(AUDIT_VIEWS, params.view)) throw new NotFoundError(`audit view ${params.view}`);
      if (view.name === 'audit-log' && !hasAnyRole(principal, ['admin', 'auditor'])) throw new ForbiddenError('requires one of the roles: admin, auditor');
      const { from, to } = range(query, 30);
      if (view.name === 'temperature-log' && (await stores.readings.count(from, to)) > 250_000) throw new ValidationError('from', 'more than 250,000 readings in the range; shorten it');
      return { csv: toCsv(csvColumns(view), await allRows(stores, view, { from, to })), filename: `${view.name}-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.csv` };
    },
  }),
];
