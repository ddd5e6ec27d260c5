import { z } from 'zod';
import { durationSeconds, ms, msToSeconds } from '../common-params.js';
import { defineNode } from '../define-node.js';
import { defaultedPrompt, spokenText } from '../prompt.js';

const LEAVE_MESSAGE_TEXT = {
  'en-GB': 'Please leave your name, number and a short message after the tone. Press hash when you have finished.',
  'cy-GB': "Gadewch eich enw, eich rhif a neges fer ar ôl y dôn. Pwyswch yr allwedd hash pan fyddwch wedi gorffen.",
};

export const voicemailNode = defineNode({
  kind: 'voicemail',
  version: 2,
  earlier: [{ version: 1, upgrade: msToSeconds({ silenceTimeoutMs: 'silenceTimeoutSeconds' }) }],
  params: z.strictObject({
    boxId: z.string().min(1).max(64).describe('Voicemail box the message goes to (e.g. "highways-emergencies")'),
    prompt: defaultedPrompt('Said before the tone', LEAVE_MESSAGE_TEXT),
    maxLengthSeconds: z.number().int().min(5).max(600).default(120).describe('Longest message'),
    silenceTimeoutSeconds: durationSeconds('Silence that ends it (seconds)', 'How long a silence ends the message', 5, 1, 30),
    beep: z.boolean().default(true).describe('Play a tone before recording'),
    terminators: z.string().regex(/^[0-9*#]{0,3}$/).default('#').describe('Keys that end the message'),
  }),
  outcomes: () => [
    { name: 'recorded', label: 'Recorded' },
    { name: 'noInput', label: 'No message', description: 'The caller said nothing' },
  ],
  ui: {
    label: 'Voicemail',
    category: 'Call',
    icon: 'voicemail',
    help: 'Record a message for a team’s voicemail box.',
    summary: ['boxId'],
  },
  traits: {
    waitsForCaller: () => true,
    ends: 'deliberate',
    prompts: (p) => [{ field: 'prompt', prompt: p.prompt, defaults: LEAVE_MESSAGE_TEXT }],
    sets: () => ['voicemailId', 'voicemailBox', 'voicemailSeconds'],
  },
  async run({ params, call, prompt, log, signal }) {
    const segments = prompt(params.prompt);
    const result = await call.record({
      prompt: segments,
      beep: params.beep,
      maxDurationMs: params.maxLengthSeconds * 1000,
      silenceTimeoutMs: ms(params.silenceTimeoutSeconds),
      terminators: params.terminators,
      signal,
    });
    log('prompt.played', { text: spokenText(segments) });
    if (result.kind === 'noInput') return { outcome: 'noInput' };
    return {
      outcome: 'recorded',
      set: { voicemailId: result.recordingId, voicemailBox: params.boxId, voicemailSeconds: Math.round(result.durationMs / 1000) },
    };
  },
});
