/**
 * bucketSeconds picks the downsampling bucket for a readings range: null (raw readings) when
 * the range at the sensors' reporting interval fits in maxPoints, otherwise the smallest
 * "round" bucket that brings it under maxPoints, so charts stay readable and cheap.
 */
const ROUND_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

export function bucketSeconds(from: Date, to: Date, maxPoints: number, intervalSeconds = 60): number | null {
  const span = Math.max(0, (to.getTime() - from.getTime()) / 1000);
  if (span / intervalSeconds <= maxPoints) return null;
  const needed = span / maxPoints;
  return ROUND_BUCKETS.find((b) => b >= needed) ?? Math.ceil(needed / 86400) * 86400;
}
