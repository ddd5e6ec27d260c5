import { z } from 'zod';
import type { Prompt } from '../../ports/store.js';
import { actorOf } from '../authenticate.js';
import type { ApiContext } from '../context.js';
import { NoVoice } from '../../tts/espeak-tts.js';
import { Busy } from '../concurrency-limit.js';
import { ApiProblem, notFound } from '../problem.js';
import { idParam, route, type AnyRoute } from '../route.js';
import { languageParam, timestamp } from '../schemas.js';

const promptId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'may use only letters, digits, _ . : -');
const promptText = z.record(languageParam, z.string().max(5000));

const promptSchema = z.object({
  id: z.string(),
  name: z.string(),
  text: z.record(z.string(), z.string()),
  audioLanguages: z.array(z.string()),
  updatedAt: timestamp,
});
const audioParams = z.strictObject({ id: promptId, language: languageParam });

const json = (p: Prompt) => ({ ...p, updatedAt: p.updatedAt.toISOString() });

/** A RIFF/WAVE file, checked by its header. */
function isWav(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WAVE';
}

export function promptRoutes(context: ApiContext): AnyRoute[] {
  const { store } = context;
  return [
    route({
      method: 'get',
      path: '/api/prompts',
      access: 'viewer',
      tag: 'prompts',
      summary: 'The prompt library',
      success: { status: 200, description: 'Prompts', schema: z.array(promptSchema) },
      handler: async () => (await store.prompts.list()).map(json),
    }),
    route({
      method: 'post',
      path: '/api/prompts',
      access: 'designer',
      tag: 'prompts',
      summary: 'Add a prompt (text per language; upload audio separately)',
      body: z.strictObject({ id: promptId, name: z.string().min(1).max(200), text: promptText.default({}) }),
      success: { status: 201, description: 'Created', schema: promptSchema },
      problems: [409],
      handler: async ({ body, principal }) => {
        const result = await store.prompts.create(body, actorOf(principal!));
        if (result.kind === 'exists') {
          throw new ApiProblem(409, `Prompt ${body.id} already exists`, { errors: [{ path: 'body.id', message: 'already exists' }] });
        }
        return json(result.prompt);
      },
    }),
    route({
      method: 'get',
      path: '/api/prompts/:id',
      access: 'viewer',
      tag: 'prompts',
      summary: 'One prompt',
      params: idParam,
      success: { status: 200, description: 'The prompt', schema: promptSchema },
      problems: [404],
      handler: async ({ params }) => {
        const prompt = await store.prompts.get(params.id);
        if (!prompt) throw notFound(`Prompt ${params.id}`);
        return json(prompt);
      },
    }),
    route({
      method: 'put',
      path: '/api/prompts/:id',
      access: 'designer',
      tag: 'prompts',
      summary: 'Change a prompt’s name or text',
      params: idParam,
      body: z.strictObject({ name: z.string().min(1).max(200).optional(), text: promptText.optional() }),
      success: { status: 200, description: 'Updated', schema: promptSchema },
      problems: [404],
      handler: async ({ params, body, principal }) => {
        const result = await store.prompts.update(params.id, body, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Prompt ${params.id}`);
        return json(result.prompt);
      },
    }),
    route({
      method: 'delete',
      path: '/api/prompts/:id',
      access: 'designer',
      tag: 'prompts',
      summary: 'Delete a prompt and its audio',
      params: idParam,
      success: { status: 204, description: 'Deleted' },
      problems: [404],
      handler: async ({ params, principal }) => {
        const result = await store.prompts.delete(params.id, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Prompt ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'put',
      path: '/api/prompts/:id/audio/:language',
      access: 'designer',
      tag: 'prompts',
      summary: 'Upload the recording of a prompt in one language (audio/wav, at most 10 MB)',
      params: audioParams,
      body: 'audio',
      success: { status: 204, description: 'Saved' },
      problems: [404, 413, 415, 422],
      handler: async ({ params, body, principal }) => {
        if (!isWav(body)) {
          throw new ApiProblem(422, 'The audio is not a WAV file (no RIFF/WAVE header)', {
            errors: [{ path: 'body', message: 'not a WAV file' }],
          });
        }
        const result = await store.prompts.putAudio(params.id, params.language, { contentType: 'audio/wav', bytes: body }, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`Prompt ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/prompts/:id/audio/:language',
      access: 'viewer',
      tag: 'prompts',
      summary: 'The recording of a prompt in one language',
      params: audioParams,
      success: { status: 200, description: 'WAV audio', contentType: 'audio/wav' },
      problems: [404],
      handler: async ({ params, res }) => {
        const audio = await store.prompts.audio(params.id, params.language);
        if (!audio) throw notFound(`A ${params.language} recording of prompt ${params.id}`);
        res.status(200).type(audio.contentType).setHeader('Cache-Control', 'private, no-cache').send(Buffer.from(audio.bytes));
        return undefined;
      },
    }),
    route({
      method: 'delete',
      path: '/api/prompts/:id/audio/:language',
      access: 'designer',
      tag: 'prompts',
      summary: 'Remove the recording of a prompt in one language (text-to-speech is used again)',
      params: audioParams,
      success: { status: 204, description: 'Deleted' },
      problems: [404],
      handler: async ({ params, principal }) => {
        const result = await store.prompts.deleteAudio(params.id, params.language, actorOf(principal!));
        if (result.kind === 'notFound') throw notFound(`A ${params.language} recording of prompt ${params.id}`);
        return undefined;
      },
    }),
    route({
      method: 'get',
      path: '/api/tts',
      access: 'viewer',
      tag: 'prompts',
      summary: 'Text spoken by text-to-speech (espeak-ng), as WAV; cached (bounded), a few renders at a time',
      query: z.strictObject({ text: z.string().min(1).max(1000), language: languageParam.default('en-GB') }),
      success: { status: 200, description: 'WAV audio', contentType: 'audio/wav' },
      problems: [422, 503],
      handler: async ({ query, res }) => {
        let wav: Buffer;
        try {
          wav = await context.ttsRenders.run(() => context.tts.render(query.text, query.language));
        } catch (error) {
          if (error instanceof NoVoice) {
            throw new ApiProblem(422, `There is no text-to-speech voice for ${query.language}`, {
              errors: [{ path: 'query.language', message: 'no text-to-speech voice for this language' }],
            });
          }
          if (error instanceof Busy) throw new ApiProblem(503, 'Text to speech is busy: try again in a moment', {}, { 'Retry-After': '1' });
          throw error;
        }
        res.status(200).type('audio/wav').setHeader('Cache-Control', 'private, max-age=86400').send(wav);
        return undefined;
      },
    }),
  ];
}
