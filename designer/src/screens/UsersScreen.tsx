import { useCallback, useRef, useState } from 'react';
import { api, roles, type ApiTokenRecord, type Role, type UserRecord } from '../api/client.js';
import { RecordsScreen } from './RecordsScreen.js';

const roleChoices = roles.map((r) => ({ value: r, label: r }));

/**
 * People and API tokens, for admins (the API allows users and tokens to admins only, so App shows this
 * screen to them alone). The API's own rules — no demoting, disabling or deleting yourself, a password of
 * at least 10 characters that is not easy to guess, a token no stronger than its user — come back as
 * problem+json and are shown beside the field they concern.
 */
export function UsersScreen() {
  const [users, setUsers] = useState<UserRecord[]>([]);
  /** Users are listed and addressed by username (it never changes); the API addresses them by id. */
  const idOf = useRef(new Map<string, string>());
  const loadUsers = useCallback(
    () =>
      api.listUsers().then((list) => {
        idOf.current = new Map(list.map((u) => [u.username, u.id]));
        setUsers(list);
        return list;
      }),
    [],
  );
  const userId = (username: string) => idOf.current.get(username) ?? username;
  return (
    <main className="screen" aria-label="Users and API tokens">
      <h1>Users and API tokens</h1>
      <RecordsScreen<UserRecord & { password?: string; revokeTokens?: boolean }>
        asSection
        title="Users"
        noun="user"
        canWrite
        blank={{ id: '', username: '', role: 'designer', disabled: false, createdAt: '' }}
        load={loadUsers}
        create={({ username, password = '', role }) => api.createUser({ username, password, role })}
        update={(username, { role, password, disabled, revokeTokens }) =>
          api.updateUser(userId(username), { role, disabled, ...(password ? { password } : {}), ...(revokeTokens ? { revokeTokens } : {}) })
        }
        remove={(username) => api.deleteUser(userId(username))}
        fields={[
          { key: 'username', label: 'Username', kind: 'text', isKey: true, required: true, help: 'Letters, digits, _ . @ - (cannot be changed later)' },
          { key: 'role', label: 'Role', kind: 'choice', choices: roleChoices, required: true },
          {
            key: 'password',
            label: 'Password',
            kind: 'password',
            required: 'new',
            inList: false,
            help: 'At least 10 characters and not easy to guess (three or four unrelated words work well). When editing, leave blank to keep the current password.',
          },
          {
            key: 'revokeTokens',
            label: 'Also revoke their API tokens',
            kind: 'boolean',
            inList: false,
            help: 'When changing a password that may have leaked: every API token of this user stops working too.',
          },
          { key: 'disabled', label: 'Disabled', kind: 'boolean', help: 'A disabled user cannot sign in; their sessions and tokens stop working.' },
        ]}
      />
      <TokensSection users={users} />
    </main>
  );
}

/** API tokens for scripts and CI: the secret is in the create answer only, so it is shown once, here. */
function TokensSection({ users }: { users: UserRecord[] }) {
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [copied, setCopied] = useState<string>();
  const copy = (token: string) =>
    navigator.clipboard.writeText(token).then(
      () => setCopied('Copied to the clipboard.'),
      () => setCopied('Could not copy: select the secret and copy it by hand.'),
    );
  return (
    <>
      {created && (
        <section className="token-secret" aria-label="New token" role="status">
          <h2>Token “{created.name}” created</h2>
          <p>
            <strong>Copy this secret now: you won’t see it again.</strong> Only a hash of it is kept; if it is lost, revoke the token and create another.
          </p>
          <p>
            <label htmlFor="new-token-secret">Token secret</label>{' '}
            <input id="new-token-secret" className="token-value" readOnly autoFocus value={created.token} size={created.token.length} onFocus={(e) => e.target.select()} />{' '}
            <button type="button" onClick={() => void copy(created.token)}>
              Copy secret
            </button>{' '}
            <button type="button" onClick={() => (setCreated(undefined), setCopied(undefined))}>
              I have copied it
            </button>
          </p>
          {copied && <p className="muted">{copied}</p>}
        </section>
      )}
      <RecordsScreen<ApiTokenRecord>
        asSection
        title="API tokens"
        noun="token"
        canWrite
        removeLabel="Revoke"
        canRemove={(t) => !t.revokedAt}
        nameOf={(t) => t.name}
        blank={{ id: '', name: '', userId: '', prefix: '', createdAt: '' }}
        load={api.listTokens}
        create={async ({ name, userId, role, expiresAt }) => {
          const token = await api.createToken({ name, ...(userId ? { userId } : {}), ...(role ? { role: role as Role } : {}), ...(expiresAt ? { expiresAt } : {}) });
          setCopied(undefined);
          setCreated({ name: token.name, token: token.token });
        }}
        remove={api.revokeToken}
        fields={[
          { key: 'id', label: 'Id', kind: 'text', isKey: true, inForm: false, inList: false },
          { key: 'name', label: 'Token name', kind: 'text', required: true, help: 'What uses it, e.g. "CI deploy"' },
          { key: 'userId', label: 'Acts as', kind: 'choice', choices: users.map((u) => ({ value: u.id, label: u.username })), help: 'The user the token acts as; none: you' },
          { key: 'role', label: 'Role limit', kind: 'choice', choices: roleChoices, help: 'At most the user’s own role; none: the user’s role' },
          { key: 'expiresAt', label: 'Expires', kind: 'datetime', help: 'Optional; your local time' },
          { key: 'prefix', label: 'Starts with', kind: 'text', inForm: false },
          { key: 'lastUsedAt', label: 'Last used', kind: 'datetime', inForm: false },
          { key: 'revokedAt', label: 'Revoked', kind: 'datetime', inForm: false },
        ]}
      />
    </>
  );
}
