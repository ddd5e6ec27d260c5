/**
 * Renders every fixed prompt in flows/*.flow.json to media/prompts/<language>/<id>.wav with espeak-ng,
 * resampled by sox to 8 kHz mono for the phone network, and frontdoor's own hold music to
 * media/hold-music/frontdoor-hold.wav (render-hold-music.ts). The audio is not committed: run this after
 * changing a flow's prompts, or replace a file with a studio recording of the same name.
 *
 *   node --import tsx media/render-prompts.ts [flowsDir] [outDir]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { espeakRenderer } from '../engine/src/tts/espeak-tts.js';
import { renderFlowPrompts } from '../engine/src/tts/render-flow-prompts.js';
import { renderHoldMusic } from './render-hold-music.js';

const root = resolve(import.meta.dirname, '..');
const flowsDir = resolve(process.argv[2] ?? join(root, 'flows'));
const outDir = resolve(process.argv[3] ?? join(root, 'media', 'prompts'));

// A private folder of our own, never a shared /tmp path someone else could plant a recording in.
const cacheDir = mkdtempSync(join(tmpdir(), 'frontdoor-prompt-render-'));
const renderer = espeakRenderer({ cacheDir, sampleRateHz: 8000 });
const { written, skipped } = await renderFlowPrompts({ flowsDir, outDir, renderer }).finally(() => rmSync(cacheDir, { recursive: true, force: true }));
for (const line of skipped) console.log(`skipped ${line}`);
console.log(`wrote ${written.length} prompt${written.length === 1 ? '' : 's'} to ${outDir}`);
const music = await renderHoldMusic(join(root, 'media', 'hold-music', 'frontdoor-hold.wav'));
console.log(`wrote ${music.seconds} s of hold music to ${music.file}`);
