import type { Router } from 'express';
import type { AlertRouter } from '../../router/alert-router';
import { SilenceError, SilenceNotFoundError } from '../../silence/silence';
import type { Clock } from '../../types/clock';
import { ApiValidationError } from './alert-codec';
import { parseAlertFilters, FilterError, ParamError } from './alert-filters';
import { sendApiError, sendEmpty, sendJson } from './api-responses';
import { JsonBodyError, parseJsonLikeGo } from './go-json-parse';
import { requireJson } from './require-json';
import { compareSilences, decodePostableSilence, gettableSilence, silenceMatchesFilter } from './silence-codec';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** mountSilenceRoutes serves GET/POST /silences and GET/DELETE /silence/{id}. */
export function mountSilenceRoutes(api: Router, router: AlertRouter, clock: Clock): void {
  api.get('/silences', (req, res) => {
    let filters;
    try {
      filters = parseAlertFilters(req).matchers;
    } catch (err) {
      if (err instanceof FilterError) return sendJson(res, 400, err.message);
      if (err instanceof ParamError) return sendApiError(res, 400, 601, err.message);
      throw err;
    }
    const items = router.silences
      .list()
      .filter((s) => silenceMatchesFilter(s, filters))
      .map((s) => ({ s, state: router.silences.state(s) }))
      .sort(compareSilences);
    sendJson(
      res,
      200,
      items.map(({ s, state }) => gettableSilence(s, state)),
    );
  });

  api.post('/silences', requireJson, async (req, res, next) => {
    let p;
    try {
      p = decodePostableSilence(parseJsonLikeGo(req.body as string));
    } catch (err) {
      if (err instanceof JsonBodyError) return sendApiError(res, 400, 400, `parsing silence body from "" failed, because ${err.message}`);
      if (err instanceof ApiValidationError) return sendApiError(res, 422, err.code, err.message);
      throw err;
    }
    if (p.startsAt >= p.endsAt) return sendJson(res, 400, 'Failed to create silence: start time must be before end time');
    if (p.endsAt < clock.now()) return sendJson(res, 400, "Failed to create silence: end time can't be in the past");
    try {
      const silenceID = router.silences.set({ id: p.id ?? '', matchers: p.matchers, startsAt: p.startsAt, endsAt: p.endsAt, createdBy: p.createdBy, comment: p.comment });
      await router.committed();
      sendJson(res, 200, { silenceID });
    } catch (err) {
      if (err instanceof SilenceNotFoundError) return sendJson(res, 404, err.message);
      if (err instanceof SilenceError) return sendJson(res, 400, err.message);
      next(err);
    }
  });

  api.get('/silence/:id', (req, res) => {
    if (!UUID.test(req.params.id)) return sendApiError(res, 422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(req.params.id)}`);
    const s = router.silences.get(req.params.id);
    if (!s) return sendEmpty(res, 404);
    sendJson(res, 200, gettableSilence(s, router.silences.state(s)));
  });

  api.delete('/silence/:id', async (req, res, next) => {
    if (!UUID.test(req.params.id)) return sendApiError(res, 422, 601, `silenceID in path must be of type uuid: ${JSON.stringify(req.params.id)}`);
    try {
      router.silences.expire(req.params.id);
      await router.committed();
      sendEmpty(res, 200);
    } catch (err) {
      if (err instanceof SilenceNotFoundError || err instanceof SilenceError) return sendJson(res, 500, err.message);
      next(err);
    }
  });
}
