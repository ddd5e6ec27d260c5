import { useEffect, useState } from 'react';
import { api, roleAtLeast, type Me, type NumberRecord, type PromptRecord, type ScheduleRecord } from '../api/client.js';
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
      fields={[
        { key: 'id', label: 'Id', kind: 'text', isKey: true, required: true, help: 'Letters, digits, _ . : - (used by flows)' },
        { key: 'name', label: 'Name', kind: 'text', required: true },
        { key: 'text', label: 'Text', kind: 'languages' },
      ]}
    />
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

/** Opening hours that schedule nodes refer to. */
export function SchedulesScreen({ me }: { me: Me }) {
  return (
    <RecordsScreen<ScheduleRecord>
      title="Schedules"
      noun="schedule"
      canWrite={roleAtLeast(me.role, 'publisher')}
      blank={{ id: '', name: '', timezone: 'Europe/London', definition: {} }}
      load={api.listSchedules}
      create={api.createSchedule}
      update={(id, { name, timezone, holidayCalendarId, definition }) => api.updateSchedule(id, { name, timezone, definition, ...(holidayCalendarId ? { holidayCalendarId } : {}) })}
      remove={api.deleteSchedule}
      fields={[
        { key: 'id', label: 'Id', kind: 'text', isKey: true, required: true },
        { key: 'name', label: 'Name', kind: 'text', required: true },
        { key: 'timezone', label: 'Time zone', kind: 'text', required: true },
        { key: 'holidayCalendarId', label: 'Holiday calendar', kind: 'text' },
        { key: 'definition', label: 'Hours (JSON)', kind: 'json', help: 'Weekly opening hours and closures, as the schedule node reads them' },
      ]}
    />
  );
}
