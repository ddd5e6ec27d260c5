import { api, type SecretRecord } from '../api/client.js';
import { RecordsScreen } from './RecordsScreen.js';

/**
 * Secrets for admins: API keys and passwords that flows use by name. A flow's http node writes
 * {{secret:NAME}} where the value goes (pick it in the node's settings); the value is sealed by the
 * engine, never shown again, never exported with a flow and never written to the audit log.
 */
export function SecretsScreen() {
  return (
    <main className="screen" aria-label="Secrets">
      <h1>Secrets</h1>
      <p className="help">
        Keys and passwords that data dips send to the council’s services. Flows refer to them by name — {'{{secret:NAME}}'} in an http
        node — so nobody who can see or export a flow can read them. A value is stored encrypted and cannot be shown again: to change a
        secret, enter its new value.
      </p>
      <RecordsScreen<SecretRecord & { value?: string }>
        title="Secrets"
        noun="secret"
        asSection
        canWrite
        blank={{ name: '', description: '', createdAt: '', updatedAt: '', updatedBy: '' }}
        load={api.listSecrets}
        create={({ name, value = '', description }) => api.putSecret(name, { value, description })}
        update={(name, { value = '', description }) => api.putSecret(name, { value, description })}
        remove={api.deleteSecret}
        fields={[
          { key: 'name', label: 'Name', kind: 'text', isKey: true, required: true, help: 'A letter, then letters, digits and _, e.g. COUNCIL_API_KEY' },
          { key: 'description', label: 'Description', kind: 'text', help: 'What it is for and who looks after it' },
          { key: 'value', label: 'Value', kind: 'password', required: true, inList: false, help: 'The key or password. It is never shown again.' },
          { key: 'updatedAt', label: 'Changed', kind: 'datetime', inForm: false },
          { key: 'updatedBy', label: 'By', kind: 'text', inForm: false },
        ]}
      />
    </main>
  );
}
