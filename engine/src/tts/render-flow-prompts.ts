import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeDefinition } from '../core/catalogue.js';
import { hasErrors } from '../core/flow/diagnostics.js';
import { parseFlow } from '../core/flow/parse-flow.js';
import type { Flow } from '../core/flow/schema.js';
import type { SpeechRenderer } from './espeak-tts.js';

/** One prompt text a flow plays, ready to render: `<language>/<id>.wav`. */
export interface FlowPromptText {
  /** The prompt-library id, else `<flowId>.<nodeId>.<field>`. */
  id: string;
  language: string;
  text: string;
}

/**
 * Every fixed prompt text in a flow, per language. Texts with {{variables}} are left out: they
 * are only known during a call, so the engine speaks them with TTS then.
 */
export function flowPromptTexts(flow: Flow): { prompts: FlowPromptText[]; templated: string[] } {
  const prompts: FlowPromptText[] = [];
  const templated: string[] = [];
  for (const node of flow.nodes) {
    const definition = nodeDefinition(node.kind, node.version);
    if (!definition) continue;
    for (const { field, prompt } of definition.traits.prompts(node.params)) {
      if (!prompt) continue;
      const id = prompt.promptId ?? `${flow.id}.${node.id}.${field}`;
      for (const [language, text] of Object.entries(prompt.text)) {
        if (!text.trim()) continue;
        if (text.includes('{{')) templated.push(`${language}/${id}`);
        else prompts.push({ id, language, text });
      }
    }
  }
  return { prompts, templated };
}

/**
 * Render every fixed prompt of every flows/*.flow.json to `<outDir>/<language>/<id>.wav`
 * (with an 8 kHz renderer, ready for the phone network).
 */
export async function renderFlowPrompts(options: { flowsDir: string; outDir: string; renderer: SpeechRenderer }) {
  const written: string[] = [];
  const skipped: string[] = [];
  const files = (await readdir(options.flowsDir)).filter((f) => f.endsWith('.flow.json')).sort();
  for (const file of files) {
    const { flow, diagnostics } = parseFlow(JSON.parse(await readFile(join(options.flowsDir, file), 'utf8')));
    if (!flow || hasErrors(diagnostics)) {
      skipped.push(`${file}: ${diagnostics.find((d) => d.severity === 'error')?.message ?? 'not a flow'}`);
      continue;
    }
    const { prompts, templated } = flowPromptTexts(flow);
    skipped.push(...templated.map((p) => `${p}: has {{variables}}, spoken at call time`));
    for (const prompt of prompts) {
      const dir = join(options.outDir, prompt.language);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${prompt.id}.wav`);
      await writeFile(path, await options.renderer.render(prompt.text, prompt.language));
      written.push(path);
    }
  }
  return { written, skipped };
}
