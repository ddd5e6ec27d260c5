/** Small flows for the parse and validate tests (test support, not shipped behaviour). */
import type { FlowInput } from './schema.js';

const say = (text: string) => ({ text: { 'en-GB': text } });

/** A valid flow: a menu offering highways (a queue) or a person, with goodbye after silence. */
export function smallFlow(): FlowInput {
  return {
    schemaVersion: 1,
    id: 'small',
    name: 'Small',
    entry: 'menu',
    nodes: [
      {
        id: 'menu',
        kind: 'menu',
        version: 1,
        params: { prompt: say('For highways press 1, or 0 to speak to someone.'), options: [{ digit: '1', label: 'Highways' }, { digit: '0', label: 'Person' }] },
      },
      { id: 'highways', kind: 'queue', version: 1, params: { queueId: 'highways' } },
      { id: 'person', kind: 'transfer', version: 1, params: { destination: 'tel:+441632960000' } },
      { id: 'goodbye', kind: 'hangup', version: 1, params: { prompt: say('Goodbye.') } },
    ],
    edges: [
      { id: 'e1', from: 'menu', outcome: '1', to: 'highways' },
      { id: 'e2', from: 'menu', outcome: '0', to: 'person' },
      { id: 'e3', from: 'menu', outcome: 'noInput', to: 'goodbye' },
      { id: 'e4', from: 'menu', outcome: 'noMatch', to: 'person' },
      { id: 'e5', from: 'highways', outcome: 'timeout', to: 'goodbye' },
      { id: 'e6', from: 'highways', outcome: 'full', to: 'person' },
      { id: 'e7', from: 'highways', outcome: 'closed', to: 'goodbye' },
      { id: 'e8', from: 'highways', outcome: 'noAgents', to: 'person' },
      { id: 'e9', from: 'person', outcome: 'busy', to: 'goodbye' },
      { id: 'e10', from: 'person', outcome: 'noAnswer', to: 'goodbye' },
      { id: 'e11', from: 'person', outcome: 'failed', to: 'goodbye' },
    ],
  };
}
