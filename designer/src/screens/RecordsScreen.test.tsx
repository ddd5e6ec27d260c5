import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client.js';
import { RecordsScreen, type FieldSpec } from './RecordsScreen.js';

afterEach(cleanup);

interface Person {
  username: string;
  role: string;
  disabled: boolean;
  password?: string;
}
const fields: FieldSpec[] = [
  { key: 'username', label: 'Username', kind: 'text', isKey: true, required: true },
  { key: 'role', label: 'Role', kind: 'choice', required: true, choices: [{ value: 'viewer', label: 'viewer' }, { value: 'admin', label: 'admin' }] },
  { key: 'password', label: 'Password', kind: 'password', required: 'new', inList: false },
  { key: 'disabled', label: 'Disabled', kind: 'boolean' },
];

function people(update: (key: string, changes: Partial<Person>) => Promise<unknown>) {
  const calls: Array<[string, unknown]> = [];
  render(
    <RecordsScreen<Person>
      title="People"
      noun="person"
      canWrite
      fields={fields}
      blank={{ username: '', role: 'viewer', disabled: false }}
      load={() => Promise.resolve([{ username: 'ana', role: 'admin', disabled: false }])}
      create={(p) => (calls.push(['create', p]), Promise.resolve())}
      update={(key, changes) => (calls.push(['update', [key, changes]]), update(key, changes))}
      remove={() => Promise.resolve()}
    />,
  );
  return calls;
}

describe('RecordsScreen', () => {
  it('lists booleans as Yes/No and leaves form-only fields (a password) out of the table', async () => {
    people(() => Promise.resolve());
    const table = screen.getByRole('table');
    await waitFor(() => expect(within(table).getByText('ana')).toBeTruthy());
    expect(within(table).queryByText('Password')).toBeNull();
    expect(within(table).getByText('No')).toBeTruthy();
  });

  it('requires a "new"-required field only when adding, and sends a checkbox as a boolean', async () => {
    const calls = people(() => Promise.resolve());
    fireEvent.click(screen.getByRole('button', { name: 'Add person' }));
    expect((screen.getByLabelText('Password') as HTMLInputElement).required).toBe(true);
    expect((screen.getByLabelText('Password') as HTMLInputElement).type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => screen.getByRole('button', { name: 'Edit person ana' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit person ana' }));
    expect((screen.getByLabelText('Password') as HTMLInputElement).required).toBe(false);
    fireEvent.click(screen.getByLabelText('Disabled'));
    fireEvent.submit(screen.getByRole('form', { name: 'Edit person' }));
    await waitFor(() => expect(calls).toEqual([['update', ['ana', { role: 'admin', disabled: true }]]]));
  });

  it('sends a date-time field as an ISO instant and leaves a blank optional field out', async () => {
    const created: unknown[] = [];
    render(
      <RecordsScreen<{ name: string; expiresAt?: string; note?: string }>
        title="Tokens"
        noun="token"
        canWrite
        fields={[
          { key: 'name', label: 'Name', kind: 'text', isKey: true, required: true },
          { key: 'expiresAt', label: 'Expires', kind: 'datetime' },
          { key: 'note', label: 'Note', kind: 'text' },
        ]}
        blank={{ name: '' }}
        load={() => Promise.resolve([])}
        create={(t) => (created.push(t), Promise.resolve())}
        remove={() => Promise.resolve()}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Add token' }));
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'CI' } });
    fireEvent.change(screen.getByLabelText('Expires'), { target: { value: '2030-01-02T03:04' } });
    fireEvent.submit(screen.getByRole('form', { name: 'New token' }));
    await waitFor(() => expect(created).toEqual([{ name: 'CI', expiresAt: new Date('2030-01-02T03:04').toISOString() }]));
  });

  it("shows the API's problem for a field beside that field, tied to it for screen readers", async () => {
    people(() =>
      Promise.reject(
        new ApiError(422, 'Unprocessable Entity', 'You cannot demote or disable yourself: ask another admin', {
          errors: [{ path: 'body.role', message: 'not for your own account' }],
        }),
      ),
    );
    await waitFor(() => screen.getByRole('button', { name: 'Edit person ana' }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit person ana' }));
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'viewer' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Edit person' }));
    const role = screen.getByLabelText('Role');
    await waitFor(() => expect(role.getAttribute('aria-invalid')).toBe('true'));
    const describedBy = role.getAttribute('aria-describedby')!.split(' ');
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toContain('not for your own account');
    expect(screen.getByRole('alert').textContent).toContain('You cannot demote or disable yourself');
    expect(screen.getByLabelText('Disabled').getAttribute('aria-invalid')).toBeNull();
  });
});
