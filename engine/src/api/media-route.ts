/**
 * Audio for media servers, fetched without signing in but only by a URL this engine signed
 * (engine/src/calls/media-urls.ts): recorded prompts, and text spoken by the engine's TTS in languages
 * the media server cannot speak. FreeSWITCH caches what it fetches (http_cache).
 */
import express, { type Router } from 'express';
import { MEDIA_PATH, type MediaUrls } from '../calls/media-urls.js';
import type { EngineLogger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import type { SpeechRenderer } from '../tts/espeak-tts.js';

const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export function mediaRouter(deps: { urls: MediaUrls; store: Store; tts: SpeechRenderer; logger: EngineLogger }): Router {
  const { urls, store, tts, logger } = deps;
  const router = express.Router();
  router.use(MEDIA_PATH, (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.status(405).set('Allow', 'GET, HEAD').end();
    if (!urls.verify(req.originalUrl)) return void res.status(403).type('text/plain').send('This media URL is not signed by this engine.\n');
    next();
  });
  router.get(`${MEDIA_PATH}/prompts/:id/:language.wav`, async (req, res) => {
    try {
      const audio = await store.prompts.audio(req.params.id, req.params.language);
      if (!audio) return void res.status(404).type('text/plain').send('No such recording.\n');
      res.status(200).type(audio.contentType).set('Cache-Control', 'private, max-age=86400').send(Buffer.from(audio.bytes));
    } catch (error) {
      logger.error(`media: prompt ${req.params.id} (${req.params.language})`, error);
      res.status(503).set('Retry-After', '5').end();
    }
  });
  router.get(`${MEDIA_PATH}/tts/:language.wav`, async (req, res) => {
    const text = typeof req.query.text === 'string' ? req.query.text : '';
    if (!LANGUAGE.test(req.params.language) || text === '' || text.length > 1000) return void res.status(400).type('text/plain').send('Bad text or language.\n');
    try {
      const wav = await tts.render(text, req.params.language);
      res.status(200).type('audio/wav').set('Cache-Control', 'private, max-age=86400').send(wav);
    } catch (error) {
      logger.error(`media: speech in ${req.params.language}`, error);
      res.status(503).set('Retry-After', '5').end();
    }
  });
  return router;
}
