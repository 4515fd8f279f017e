import { setFlagsFromString } from 'node:v8';

/**
 * disableAllocationSitePretenuring stops V8 from allocating the objects of "long-lived"
 * allocation sites straight into the old generation (ADR 0067). Ingest's per-request objects
 * die young, but a site whose objects once lived long (a batch of readings held while its
 * transaction ran) stays pretenured, and each of its dead objects in the old generation keeps
 * the young objects it points to alive through every scavenge until the next full collection.
 * At 500 single readings/s that promoted ~12.7 MB/s, the whole request graph, and made each
 * scavenge a 5–7 ms pause; without pretenuring ~0.4 MB/s and ~1 ms. Process-wide and read at
 * each collection, so the `ingest` command calls it before it starts the role.
 */
export function disableAllocationSitePretenuring(): void {
  setFlagsFromString('--no-allocation-site-pretenuring');
}
