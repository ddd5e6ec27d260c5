import { z } from 'zod';
import type { Clock, Recognition, Utterance, VarValue } from '../../../ports/index.js';
import { findKeywords, type KeywordGroup, type KeywordMatch } from '../../keywords.js';
import { tokenCount } from '../../words.js';
import { ask, askForKey, questionPrompts, repromptParams, type Verdict } from '../ask.js';
import { digitKey, duplicates, durationSeconds, ms, msToSeconds, outcomeName, retries, variableName } from '../common-params.js';
import { defineNode, type NodeContext } from '../define-node.js';
import { promptParam } from '../prompt.js';
import { confirmSafeguarding, confirmationParams } from './confirmation.js';
import { settledSafeguarding } from './early.js';

const RESERVED_OUTCOMES = ['noInput', 'noMatch'];

const keywordGroup = z
  .strictObject({
    label: z.string().min(1).max(60).describe('What the caller is calling about, shown on the exit (e.g. "Safeguarding")'),
    outcome: outcomeName
      .meta({ title: 'Exit name', derivedFrom: 'label' })
      .describe('The exit’s name in the flow, made from the label (e.g. "safeguarding"); edges and test calls refer to it'),
    phrases: z
      .array(z.string().trim().min(1).max(80))
      .meta({ title: 'Words and phrases', oneLinePerItem: true })
      .min(1)
      .max(100)
      .describe(
        'Flagged words and phrases ("fallen", "not safe"): any form of a word matches ("fell", "falling"), a few words may come between a phrase\'s words, and a negated phrase ("I\'m not hurt") does not count',
      ),
    vulnerable: z
      .boolean()
      .default(false)
      .describe('Safeguarding words: win over every other group, set vulnerable=true and the priority variable so the queue fast-tracks the caller'),
    digit: digitKey.optional().meta({ title: 'Key' }).describe('Key that chooses this group instead of speaking (keypad fallback)'),
  })
  .describe('Keyword group');

const keypadFallback = z
  .strictObject({
    prompt: promptParam.describe(
      'The keys, said when speech has not worked (nothing heard, not understood, or the speech service down): every group with a key, safeguarding first ("If you or someone else is at risk of harm, press 8 …")',
    ),
    timeoutSeconds: durationSeconds('Wait for a key (seconds)', 'How long to wait for a key', 6, 1, 30),
    retries: retries('Times the keys are offered again after silence or a wrong key', 1),
  })
  .describe('Keypad fallback');

const speechParams = z
  .strictObject({
    prompt: promptParam.describe('The open question ("Please tell us in a few words what you are calling about")'),
    groups: z.array(keywordGroup).min(1).max(30).describe('Groups of flagged words, each an exit'),
    bargeIn: z.boolean().default(true).describe('Let the caller speak or press before the question ends'),
    noInputTimeoutSeconds: durationSeconds('Wait for an answer (seconds)', 'Silence before the caller counts as saying nothing', 5, 1, 30),
    maxSpeechSeconds: durationSeconds('Longest answer (seconds)', 'The longest answer listened to', 15, 2, 60),
    transcriptVariable: variableName.default('transcript').describe('Variable that holds what the caller said'),
    groupVariable: variableName.default('intent').describe('Variable that holds the matched group (its exit)'),
    priorityVariable: variableName.default('priority').describe('Variable set to the vulnerable priority when a vulnerable group matches'),
    vulnerablePriority: z.number().int().min(1).max(100).default(10).describe('Queue priority given to vulnerable callers'),
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Recognitions the recogniser is less sure of than this (0–1) count as not understood (doubtful safeguarding words may be confirmed instead)'),
    synonyms: z
      .array(z.array(z.string().trim().min(1).max(80)).min(2).max(30))
      .max(100)
      .default([])
      .describe('Words or phrases that mean the same ("mum", "mother", "mam"); each list\'s first entry stands for the rest in every phrase'),
    confirm: confirmationParams,
    keypad: keypadFallback.optional(),
    noInput: repromptParams('noInput'),
    noMatch: repromptParams('noMatch'),
  })
  .superRefine((p, ctx) => {
    const outcomes = p.groups.map((g) => g.outcome);
    for (const name of new Set([...duplicates(outcomes), ...outcomes.filter((o) => RESERVED_OUTCOMES.includes(o))])) {
      ctx.addIssue({
        code: 'custom',
        path: ['groups', outcomes.lastIndexOf(name), 'outcome'],
        message: RESERVED_OUTCOMES.includes(name) ? `"${name}" is a built-in exit` : `two groups lead to "${name}"`,
      });
    }
    const digits = p.groups.flatMap((g) => (g.digit ? [g.digit] : []));
    for (const digit of duplicates(digits)) {
      const index = p.groups.findLastIndex((g) => g.digit === digit);
      ctx.addIssue({ code: 'custom', path: ['groups', index, 'digit'], message: `key ${digit} is used by two groups` });
    }
    if (p.keypad) {
      p.groups.forEach((g, index) => {
        if (g.vulnerable && !g.digit) {
          ctx.addIssue({ code: 'custom', path: ['groups', index, 'digit'], message: 'the keypad fallback needs a key for safeguarding, so a caller who cannot say it can press it' });
        }
      });
      if (digits.length === 0) ctx.addIssue({ code: 'custom', path: ['keypad'], message: 'no group has a key to press' });
    }
  });
type SpeechParams = z.output<typeof speechParams>;

/**
 * Version 1 waited in milliseconds and could leave a group unlabelled: waits become seconds, and an
 * unlabelled group is called what its exit was.
 */
function upgradeFromV1(params: Record<string, unknown>): Record<string, unknown> {
  const renamed = msToSeconds({ noInputTimeoutMs: 'noInputTimeoutSeconds', maxSpeechMs: 'maxSpeechSeconds' })(params);
  if (Array.isArray(renamed.groups)) {
    renamed.groups = renamed.groups.map((g: unknown) =>
      g && typeof g === 'object' && !('label' in g) && typeof (g as { outcome?: unknown }).outcome === 'string' ? { ...g, label: (g as { outcome: string }).outcome } : g,
    );
  }
  for (const part of ['keypad', 'confirm'] as const) {
    const value = renamed[part];
    if (value && typeof value === 'object' && !Array.isArray(value)) renamed[part] = msToSeconds({ timeoutMs: 'timeoutSeconds' })(value as Record<string, unknown>);
  }
  return renamed;
}
type SpeechGroup = SpeechParams['groups'][number];

export const speechNode = defineNode({
  kind: 'speech',
  version: 2,
  earlier: [{ version: 1, upgrade: upgradeFromV1 }],
  params: speechParams,
  outcomes: (p) => [
    ...p.groups.map((g) => ({ name: g.outcome, label: g.label })),
    { name: 'noInput', label: 'No input', description: 'Nothing said or pressed, after the last retry' },
    { name: 'noMatch', label: 'No match', description: 'Nothing recognised, after the last retry' },
  ],
  ui: {
    label: 'Speech',
    category: 'Input',
    icon: 'mic',
    help: 'Ask an open question and route by flagged words in the answer (with keys as a fallback). Safeguarding words fast-track vulnerable callers.',
    summary: ['prompt', 'groups'],
    starter: { groups: [{ label: 'Group 1', outcome: 'group-1', phrases: [] }] },
  },
  traits: {
    waitsForCaller: () => true,
    offersChoice: true,
    prompts: (p) => [
      ...questionPrompts(p),
      ...(p.confirm.enabled ? [{ field: 'confirm.prompt', prompt: p.confirm.prompt }] : []),
      ...(p.keypad ? [{ field: 'keypad.prompt', prompt: p.keypad.prompt }] : []),
    ],
    sets: (p) => [p.transcriptVariable, p.groupVariable, 'vulnerable', p.priorityVariable],
  },
  async run(context) {
    const { params, call, speech, log, signal, language, clock } = context;
    const phrases = [...new Set([...params.groups.flatMap((g) => g.phrases), ...params.synonyms.flat()])];
    const alternativeLanguages = context.languages.filter((l) => l !== language);
    const digitGroups = params.groups.filter((g) => g.digit !== undefined);
    const matching = { language, synonyms: params.synonyms };
    const chosen = (group: SpeechGroup, transcript: string): { outcome: string; set: Record<string, VarValue> } => {
      const set: Record<string, VarValue> = { [params.transcriptVariable]: transcript, [params.groupVariable]: group.outcome };
      if (group.vulnerable) Object.assign(set, { vulnerable: true, [params.priorityVariable]: params.vulnerablePriority });
      return { outcome: group.outcome, set };
    };
    const keyed = (digits: string): Verdict<SpeechGroup> => {
      log('input.digits', { digits });
      const group = digitGroups.find((g) => g.digit === digits);
      return group ? { kind: 'answer', answer: group } : { kind: 'noMatch' };
    };
    let transcript = '';
    let serviceDown = false;
    const heard = await ask(context, {
      prompt: params.prompt,
      noInput: params.noInput,
      noMatch: params.noMatch,
      put: (segments) =>
        call.listen({
          prompt: segments,
          bargeIn: params.bargeIn,
          language,
          noInputTimeoutMs: ms(params.noInputTimeoutSeconds),
          maxSpeechMs: ms(params.maxSpeechSeconds),
          allowDigits: digitGroups.length > 0,
          maxDigits: 1,
          signal,
        }),
      judge: async (response): Promise<Verdict<SpeechGroup>> => {
        if (response.kind === 'noInput') {
          log('input.none', {});
          return response;
        }
        if (response.kind === 'digits') return keyed(response.digits);
        // Safeguarding the recogniser is sure of while the caller is still talking: decided there (early.ts).
        let earlyGroup: SpeechGroup | undefined;
        const decideEarly = (words: string) => (earlyGroup = settledSafeguarding(words, params.groups, matching)) !== undefined;
        const utterance = timed(response.utterance, clock);
        let recognition: Recognition;
        try {
          recognition = await speech.recognize(utterance.utterance, { language, alternativeLanguages, phrases, decideEarly, signal });
        } catch (error) {
          // The speech service failed or is too slow: the caller gets the keys at once, never silence.
          if (signal.aborted) throw error;
          log('input.speech', { transcript: '', error: error instanceof Error ? error.message : String(error) });
          serviceDown = true;
          throw SERVICE_DOWN;
        }
        // A key pressed while talking ended the words: the key wins.
        const pressed = response.keysPressed?.();
        if (pressed) return keyed(pressed);
        transcript = recognition.kind === 'transcript' ? recognition.transcript : '';
        const early = recognition.kind === 'transcript' && recognition.early === true;
        const heardIn = recognition.kind === 'transcript' && recognition.language ? recognition.language : language;
        const found = findKeywords(transcript, params.groups, { ...matching, language: heardIn });
        const confidenceOf = (match: KeywordMatch<SpeechGroup>) => (recognition.kind === 'transcript' ? matchConfidence(recognition, match) : 0);
        log('input.speech', {
          transcript,
          ...(recognition.kind === 'transcript' ? { confidence: round(recognition.confidence) } : {}),
          ...(heardIn !== language ? { language: heardIn } : {}),
          ...(early ? { early: true } : {}),
          ...(found.found.length ? { heard: [...new Set(found.found.map((f) => (f.negated ? `not: ${f.phrase}` : f.phrase)))].join(', ') } : {}),
          ...(found.match ? { matchConfidence: round(confidenceOf(found.match)) } : {}),
          // From the end of the caller's words to here, where the route is known (or a confirmation asked).
          ...decisionTime(utterance, clock),
        });
        const utteranceConfidence = recognition.kind === 'transcript' ? recognition.confidence : 0;
        const group = early
          ? await decideEarlySafeguarding(context, found.match, confidenceOf, utteranceConfidence, earlyGroup)
          : await decide(context, found.match, found.found, confidenceOf, utteranceConfidence);
        return group ? { kind: 'answer', answer: group } : { kind: 'noMatch' };
      },
    }).catch((error: unknown) => {
      if (error === SERVICE_DOWN) return { kind: 'noMatch' as const };
      throw error;
    });
    if (heard.kind === 'answer') return chosen(heard.answer, transcript);
    // Silence or not understood on the last try, or the speech service down: the keypad, when there is one.
    const keyedAnswer = params.keypad ? await askForKeypad(context, params.keypad, digitGroups) : undefined;
    if (keyedAnswer?.group) return chosen(keyedAnswer.group, transcript);
    const outcome = keyedAnswer?.kind ?? (serviceDown ? 'noMatch' : heard.kind);
    return outcome === 'noInput' ? { outcome } : { outcome, set: { [params.transcriptVariable]: transcript } };
  },
});

/** Thrown from inside the question loop when the speech service fails: the node leaves the loop for its keys. */
const SERVICE_DOWN = Symbol('the speech service failed');

/**
 * The group a recognition routes to: a confident match; a doubtful safeguarding match once the
 * caller confirms it (when confirmation is on — a confident one is never asked); nothing otherwise.
 * A safeguarding match is only as sure as the utterance around it: the words that would negate it
 * or give it to another service ("I'm not hurt", "the street light has fallen") may be the ones lost.
 */
async function decide(
  context: NodeContext<SpeechParams>,
  match: KeywordMatch<SpeechGroup> | undefined,
  found: ReadonlyArray<KeywordMatch<SpeechGroup>>,
  confidenceOf: (match: KeywordMatch<SpeechGroup>) => number,
  utterance: number,
): Promise<SpeechGroup | undefined> {
  const { params } = context;
  if (!match) return undefined;
  const confidence = match.group.vulnerable ? Math.min(confidenceOf(match), utterance) : confidenceOf(match);
  if (!match.group.vulnerable || !params.confirm.enabled || confidence >= params.confirm.belowConfidence) {
    return confidence >= params.minConfidence ? match.group : undefined;
  }
  if (await confirmSafeguarding(context, params.confirm, params.minConfidence)) return match.group;
  const other = found.find((f) => !f.negated && !f.group.vulnerable);
  return other && confidenceOf(other) >= params.minConfidence ? other.group : undefined;
}

/**
 * The group an early recognition (the recogniser stopped listening because the words so far settled
 * on safeguarding) routes to: safeguarding, by the usual confidence rules, when its final words still
 * say so; when they no longer do, or only doubtfully, the caller is asked to confirm (when
 * confirmation is on) — never routed to another service on words they had not finished saying.
 */
async function decideEarlySafeguarding(
  context: NodeContext<SpeechParams>,
  match: KeywordMatch<SpeechGroup> | undefined,
  confidenceOf: (match: KeywordMatch<SpeechGroup>) => number,
  utterance: number,
  earlyGroup: SpeechGroup | undefined,
): Promise<SpeechGroup | undefined> {
  const { params } = context;
  const flagged = match?.group.vulnerable ? match.group : earlyGroup;
  if (!flagged) return undefined;
  const confidence = match?.group.vulnerable ? Math.min(confidenceOf(match), utterance) : 0;
  if (!params.confirm.enabled || confidence >= params.confirm.belowConfidence) return confidence >= params.minConfidence ? flagged : undefined;
  return (await confirmSafeguarding(context, params.confirm, params.minConfidence)) ? flagged : undefined;
}

/** The caller's audio, timed: when the recogniser had the last of it (or stopped reading it). */
function timed(utterance: Utterance, clock: Clock): { utterance: Utterance; endedAt?: number } {
  if (utterance.kind !== 'audio') return { utterance };
  const timing: { utterance: Utterance; endedAt?: number } = { utterance };
  const source = utterance.audio;
  timing.utterance = {
    ...utterance,
    audio: (async function* () {
      try {
        yield* source;
      } finally {
        timing.endedAt = clock.now();
      }
    })(),
  };
  return timing;
}

/** `decisionMs`: from the end of the caller's audio to now, when it was audio. */
function decisionTime(utterance: { endedAt?: number }, clock: Clock): { decisionMs?: number } {
  return utterance.endedAt === undefined ? {} : { decisionMs: Math.max(0, clock.now() - utterance.endedAt) };
}

/**
 * How sure the recogniser is of a match: the least confident of the words that matched the phrase,
 * when it gave word confidences that line up with the transcript; else the whole utterance's.
 */
export function matchConfidence(recognition: Extract<Recognition, { kind: 'transcript' }>, match: KeywordMatch<KeywordGroup>): number {
  const words = recognition.words;
  if (!words?.length) return recognition.confidence;
  const byToken: number[] = [];
  for (const w of words) for (let k = tokenCount(w.word); k > 0; k--) byToken.push(w.confidence);
  if (byToken.length !== tokenCount(recognition.transcript)) return recognition.confidence;
  return Math.min(...match.tokens.map((t) => byToken[t] ?? recognition.confidence));
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** The keypad fallback: the keys of the groups that have one, asked for with the node's re-prompts. */
async function askForKeypad(
  context: NodeContext<SpeechParams>,
  keypad: NonNullable<SpeechParams['keypad']>,
  digitGroups: readonly SpeechGroup[],
): Promise<{ group?: SpeechGroup; kind: 'noInput' | 'noMatch' }> {
  const { params } = context;
  const answer = await askForKey(context, {
    prompt: keypad.prompt,
    keys: digitGroups.map((g) => g.digit!),
    bargeIn: true,
    timeoutMs: ms(keypad.timeoutSeconds),
    noInput: { retries: keypad.retries, prompt: params.noInput.prompt },
    noMatch: { retries: keypad.retries, prompt: params.noMatch.prompt },
  });
  if (answer.kind === 'key') return { group: digitGroups.find((g) => g.digit === answer.key)!, kind: 'noMatch' };
  return { kind: answer.kind };
}
