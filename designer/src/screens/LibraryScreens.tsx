import { useEffect, useState } from 'react';
import { api, promptAudioUrl, roleAtLeast, type Me, type NumberRecord, type PromptRecord } from '../api/client.js';
import { previewPrompt } from '../inspector/PromptField.js';
import { RecordsScreen } from './RecordsScreen.js';

/** The prompt library: named prompts with text per language (recordings are uploaded per language). */
export function PromptsScreen({ me }: { me: Me }) {
  return (
    <RecordsScreen<PromptRecord>
      title="Prompts"
      noun="prompt"
      canWrite={roleAtLeast(me.role, 'designer')}
      blank={{ id: '', name: '', text: {} }}
      load={api.listPrompts}
      create={api.createPrompt}
      update={(id, { name, text }) => api.updatePrompt(id, { name, text })}
      remove={api.deletePrompt}
      rowActions={(p, refresh) => <PromptAudio prompt={p} canWrite={roleAtLeast(me.role, 'designer')} refresh={refresh} />}
      fields={[
        { key: 'id', label: 'Id', kind: 'text', isKey: true, required: true, help: 'Letters, digits, _ . : - (used by flows)' },
        { key: 'name', label: 'Name', kind: 'text', required: true },
        { key: 'text', label: 'Text', kind: 'languages' },
      ]}
    />
  );
}

/** Listen to a prompt in each language (its recording, else text-to-speech) and upload a WAV recording. */
function PromptAudio({ prompt, canWrite, refresh }: { prompt: PromptRecord; canWrite: boolean; refresh: () => void }) {
  const [error, setError] = useState<string>();
  const upload = async (language: string, file: File) => {
    const res = await fetch(promptAudioUrl('', language, prompt.id), { method: 'PUT', headers: { 'content-type': 'audio/wav' }, body: file });
    if (res.ok) {
      setError(undefined);
      refresh();
    } else setError(`Could not upload ${file.name}: ${res.status} ${(await res.json().catch(() => ({})) as { detail?: string }).detail ?? res.statusText}`);
  };
  return (
    <span className="prompt-audio">
      {Object.entries(prompt.text).map(([language, text]) => {
        const recorded = prompt.audioLanguages?.includes(language) ?? false;
        return (
          <span key={language} className="prompt-audio-language">
            <button type="button" onClick={() => previewPrompt(text, language, recorded ? prompt.id : undefined)} aria-label={`Listen to ${prompt.name} in ${language}${recorded ? ' (recording)' : ' (text-to-speech)'}`}>
              ▶ {language}
            </button>
            {canWrite && (
              <label className="upload">
                <span className="visually-hidden">Upload a WAV recording of {prompt.name} in {language}</span>
                <input type="file" accept="audio/wav,.wav" onChange={(e) => e.target.files?.[0] && void upload(language, e.target.files[0])} />
              </label>
            )}
          </span>
        );
      })}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** Phone numbers (DIDs) and the flow each one runs. */
export function NumbersScreen({ me }: { me: Me }) {
  const [flows, setFlows] = useState<Array<{ value: string; label: string }>>([]);
  useEffect(() => {
    api.listFlows().then((f) => setFlows(f.map((x) => ({ value: x.id, label: x.name }))), () => setFlows([]));
  }, []);
  return (
    <RecordsScreen<NumberRecord>
      title="Numbers"
      noun="number"
      canWrite={roleAtLeast(me.role, 'publisher')}
      blank={{ did: '', flowId: '', label: '' }}
      load={api.listNumbers}
      create={api.createNumber}
      update={(did, { flowId, fallbackFlowId, label }) => api.updateNumber(did, { flowId, label, ...(fallbackFlowId ? { fallbackFlowId } : {}) })}
      remove={api.deleteNumber}
      fields={[
        { key: 'did', label: 'Number', kind: 'text', isKey: true, required: true, help: 'E.164, e.g. +441234500000, or * for any other number' },
        { key: 'label', label: 'Label', kind: 'text' },
        { key: 'flowId', label: 'Flow', kind: 'choice', choices: flows, required: true },
        { key: 'fallbackFlowId', label: 'Fallback flow', kind: 'choice', choices: flows },
      ]}
    />
  );
}
