import { useContext, useId } from 'react';
import { languageName } from '../../../engine/src/core/flow/names.js';
import { promptAudioUrl } from '../api/client.js';
import type { JsonSchema } from './json-schema.js';
import { FieldErrors, FieldGroup, FormContext, type FieldProps } from './SchemaField.js';

interface PromptValue {
  promptId?: string;
  text?: Record<string, string>;
}

/** Play a prompt in the browser: its recording, or the engine's text-to-speech of the text. */
export function previewPrompt(text: string, language: string, promptId?: string) {
  void new Audio(promptAudioUrl(text, language, promptId)).play().catch(() => undefined);
}

/** A prompt: a recording from the library, and/or what is said in each of the flow's languages. */
export function PromptField({ schema, path, label, value, onChange, errors }: FieldProps & { schema: JsonSchema; errors: string[] }) {
  const form = useContext(FormContext)!;
  const id = useId();
  const prompt = (value && typeof value === 'object' ? value : {}) as PromptValue;
  const text = prompt.text ?? {};
  const field = path.join('.');
  const update = (next: PromptValue) => {
    const { promptId, ...rest } = next;
    onChange(promptId ? { promptId, ...rest } : rest);
  };
  // Only the languages the flow offers: a Welsh default in an English-only flow is not the designer's to see.
  const languages = form.languages;
  return (
    <FieldGroup label={label} field={field} help={schema.description} errors={errors} className="prompt-field">
      <div className="field">
        <label htmlFor={`${id}-library`}>Recorded prompt</label>
        <select
          id={`${id}-library`}
          data-field={`${field}.promptId`}
          disabled={form.readOnly}
          value={prompt.promptId ?? ''}
          onChange={(e) => update({ ...prompt, promptId: e.target.value || undefined })}
        >
          <option value="">(none: text-to-speech)</option>
          {prompt.promptId && !form.prompts.some((p) => p.id === prompt.promptId) && <option value={prompt.promptId}>{prompt.promptId} (not in the library)</option>}
          {form.prompts.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <FieldErrors errors={form.errorsAt(`${field}.promptId`)} />
      </div>
      {languages.map((language) => {
        const errs = form.errorsAt(`${field}.text.${language}`);
        const inputId = `${id}-${language}`;
        return (
          <div key={language} className={`field${errs.length ? ' field-invalid' : ''}`}>
            <label htmlFor={inputId}>
              {label} ({languageName(language)})
            </label>
            <div className="prompt-row">
              <textarea
                id={inputId}
                data-field={`${field}.text.${language}`}
                rows={2}
                disabled={form.readOnly}
                aria-invalid={errs.length > 0 || undefined}
                value={text[language] ?? ''}
                onChange={(e) => {
                  const { [language]: _old, ...others } = text;
                  update({ ...prompt, text: e.target.value === '' ? others : { ...text, [language]: e.target.value } });
                }}
              />
              <button
                type="button"
                className="icon-button"
                aria-label={`Listen to ${label} in ${languageName(language)}`}
                disabled={!text[language] && !prompt.promptId}
                onClick={() => previewPrompt(text[language] ?? '', language, prompt.promptId)}
              >
                ▶
              </button>
            </div>
            <FieldErrors errors={errs} />
          </div>
        );
      })}
    </FieldGroup>
  );
}
