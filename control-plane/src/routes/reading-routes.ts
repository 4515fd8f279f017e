import { z } from 'zod';
import { ValidationError } from '../../../platform/errors/app-error';
import { bucketSeconds } from '../domain/downsampling';
import { ANY_ROLE } from '../domain/roles';
import { defineRoute, type AnyRoute, type RouteContext } from '../http/route-spec';
import { isoTime } from '../http/validation';

const rangeQuery = z.object({
  from: isoTime(),
  to: isoTime().optional(),
  maxPoints: z.coerce.number({ invalid_type_error: 'must be a number' }).int().min(10).max(10000).default(1000),
});
type RangeQ = z.infer<typeof rangeQuery>;

/** Readings of a unit or sensor: raw when the range is short, date_bin buckets (avg/min/max) when long. */
async function readingsRange(ctx: RouteContext<RangeQ, undefined>, by: 'unit' | 'sensor') {
  const { stores, params, query } = ctx;
  const to = query.to ?? new Date();
  if (to <= query.from) throw new ValidationError('to', 'must be after from');
  if (to.getTime() - query.from.getTime() > 400 * 86400_000) throw new ValidationError('from', 'range must not exceed 400 days');
  const id = by === 'unit' ? params.unitId : params.sensorId;
  // Looking the unit or sensor up first turns another organization's id into a 404.
  let interval = 60;
  if (by === 'unit') await stores.inventory.getUnit(id);
  else interval = Number((await stores.inventory.getSensor(id)).intervalSeconds);
  const bucket = bucketSeconds(query.from, to, query.maxPoints, interval);
  const range = { by, id, from: query.from, to, limit: query.maxPoints };
  if (bucket === null) return { json: { from: query.from, to, bucketSeconds: null, points: await stores.readings.raw(range) } };
  return { json: { from: query.from, to, bucketSeconds: bucket, points: await stores.readings.downsampled(range, bucket) } };
}

export const readingRoutes: AnyRoute[] = [
  defineRoute({
    method: 'get', path: '/v1/units/:unitId/readings', summary: 'Readings of a unit over a time range (downsampled for long ranges)', tag: 'readings', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: rangeQuery,
    handler: (ctx) => readingsRange(ctx, 'unit'),
  }),
  defineRoute({
    method: 'get', path: '/v1/sensors/:sensorId/readings', summary: 'Readings of a sensor over a time range (downsampled for long ranges)', tag: 'readings', auth: 'user', scope: 'org', roles: ANY_ROLE,
    query: rangeQuery,
    handler: (ctx) => readingsRange(ctx, 'sensor'),
  }),
];
