import { useEffect, useId, useState } from 'react';
import { api, type DeskDirectory, type TransferTarget } from '../api/client.js';
import { Dialog } from '../ui/Dialog.js';
import { stateLabel } from './presence.js';

type Kind = TransferTarget['kind'];

/** Where to send the caller: another queue (with who is free there), an agent (with their state), or a number. */
export function TransferDialog({ onCancel, onTransfer }: { onCancel(): void; onTransfer(target: TransferTarget): Promise<void> }) {
  const id = useId();
  const [directory, setDirectory] = useState<DeskDirectory>();
  const [kind, setKind] = useState<Kind>('queue');
  const [queueId, setQueueId] = useState('');
  const [agentId, setAgentId] = useState('');
  const [number, setNumber] = useState('');
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api.deskDirectory().then(setDirectory, (e: Error) => setProblem(e.message));
  }, []);

  const target = (): TransferTarget | string => {
    if (kind === 'queue') return queueId ? { kind, queueId } : 'Choose a queue.';
    if (kind === 'agent') return agentId ? { kind, agentId } : 'Choose an agent.';
    const e164 = number.replace(/[\s()-]/g, '').replace(/^0(?=\d{9,10}$)/, '+44');
    return /^\+[1-9]\d{6,14}$/.test(e164) ? { kind, e164 } : 'Type the number with its country code, e.g. +44 1632 960123.';
  };

  return (
    <Dialog title="Transfer the caller" onCancel={onCancel}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = target();
          if (typeof chosen === 'string') setProblem(chosen);
          else void onTransfer(chosen);
        }}
      >
        <fieldset className="transfer-kinds">
          <legend>Transfer to</legend>
          {(['queue', 'agent', 'number'] as const).map((k) => (
            <div className="field field-inline" key={k}>
              <input type="radio" id={`${id}-${k}`} name={`${id}-kind`} checked={kind === k} onChange={() => (setKind(k), setProblem(undefined))} />
              <label htmlFor={`${id}-${k}`}>{{ queue: 'Another queue', agent: 'An agent', number: 'A phone number' }[k]}</label>
            </div>
          ))}
        </fieldset>
        {kind === 'queue' && (
          <div className="field">
            <label htmlFor={`${id}-which-queue`}>Queue</label>
            <select id={`${id}-which-queue`} value={queueId} onChange={(e) => setQueueId(e.target.value)} aria-describedby={problem ? `${id}-problem` : undefined}>
              <option value="">Choose a queue…</option>
              {directory?.queues.map((q) => (
                <option key={q.id} value={q.id}>
                  {q.name} — {q.waiting} waiting, {q.available} free
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'agent' && (
          <div className="field">
            <label htmlFor={`${id}-which-agent`}>Agent</label>
            <select id={`${id}-which-agent`} value={agentId} onChange={(e) => setAgentId(e.target.value)} aria-describedby={problem ? `${id}-problem` : undefined}>
              <option value="">Choose an agent…</option>
              {directory?.agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} — {stateLabel[a.state]}
                </option>
              ))}
            </select>
          </div>
        )}
        {kind === 'number' && (
          <div className="field">
            <label htmlFor={`${id}-which-number`}>Number</label>
            <input id={`${id}-which-number`} type="tel" autoComplete="off" value={number} onChange={(e) => setNumber(e.target.value)} aria-describedby={`${id}-number-help${problem ? ` ${id}-problem` : ''}`} />
            <small id={`${id}-number-help`} className="help">
              UK numbers may start with 0; others with their country code.
            </small>
          </div>
        )}
        <p className="help">The caller is passed on at once and your part of the call ends; wrap up afterwards.</p>
        {problem && (
          <p id={`${id}-problem`} className="field-error" role="alert">
            {problem}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Transfer
          </button>
        </div>
      </form>
    </Dialog>
  );
}
