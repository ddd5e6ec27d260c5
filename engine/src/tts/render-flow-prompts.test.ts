import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { espeakRenderer } from './espeak-tts.js';
import { renderFlowPrompts } from './render-flow-prompts.js';

const dir = mkdtempSync(join(tmpdir(), 'frontdoor-render-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('renderFlowPrompts', () => {
  it('renders each fixed prompt of each flow per language at 8 kHz and skips templated ones', async () => {
    const flowsDir = join(dir, 'flows');
    const outDir = join(dir, 'prompts');
    mkdirSync(flowsDir);
    writeFileSync(
      join(flowsDir, 'tiny.flow.json'),
      JSON.stringify({
        schemaVersion: 1,
        id: 'tiny',
        name: 'Tiny',
        languages: ['en-GB', 'cy-GB'],
        entry: 'hello',
        nodes: [
          { id: 'hello', kind: 'play', version: 1, params: { prompt: { promptId: 'welcome', text: { 'en-GB': 'Welcome', 'cy-GB': 'Croeso' } } } },
          { id: 'ref', kind: 'play', version: 1, params: { prompt: { text: { 'en-GB': 'Your reference is {{caseRef}}' } } } },
          { id: 'bye', kind: 'hangup', version: 1, params: {} },
        ],
        edges: [
          { id: 'e1', from: 'hello', outcome: 'done', to: 'ref' },
          { id: 'e2', from: 'ref', outcome: 'done', to: 'bye' },
        ],
      }),
    );
    const { written, skipped } = await renderFlowPrompts({
      flowsDir,
      outDir,
      renderer: espeakRenderer({ cacheDir: join(dir, 'cache'), sampleRateHz: 8000 }),
    });
    expect(written.map((p) => p.slice(outDir.length + 1)).sort()).toEqual(expect.arrayContaining(['cy-GB/welcome.wav', 'en-GB/welcome.wav']));
    expect(readdirSync(join(outDir, 'en-GB'))).not.toContain('tiny.ref.prompt.wav');
    expect(skipped).toContain('en-GB/tiny.ref.prompt: has {{variables}}, spoken at call time');
    const wav = readFileSync(join(outDir, 'cy-GB', 'welcome.wav'));
    expect(wav.toString('latin1', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(24)).toBe(8000);
  });
});
