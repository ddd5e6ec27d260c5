import { useEffect, useId, useState } from 'react';
import { api, type Paged, type PaymentFilter, type PaymentRecord, type PaymentStatus } from '../api/client.js';

const STATUS_LABEL: Record<PaymentStatus, string> = {
  pending: 'In progress',
  paid: 'Paid',
  declined: 'Declined',
  abandoned: 'Abandoned',
  error: 'Error',
};

/** Why a payment went wrong, in words a payment team uses (reason codes from Pay360 are shown as they come). */
const REASON_LABEL: Record<string, string> = {
  timeout: 'Pay360 did not answer in time',
  unreachable: 'Pay360 could not be reached',
  'service-error': 'Pay360 refused or failed',
  'in-progress': 'Another payment for this reference was under way',
  'hand-off-failed': 'The caller could not be put through to Pay360',
  'outcome-unknown': 'Outcome unknown: check in Pay360',
  'not-configured': 'Pay360 is not configured',
};

const PAGE_SIZE = 25;
const money = (pence: number | undefined) => (pence === undefined ? '' : `£${(pence / 100).toFixed(2)}`);
const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'short', timeStyle: 'medium' }) : '');

/** A date input's value (YYYY-MM-DD) as the start of that day, or the start of the next one (an "until" date includes its day). */
function dayBound(value: string, next: boolean): string | undefined {
  if (!value) return undefined;
  const day = new Date(`${value}T00:00:00`);
  if (next) day.setDate(day.getDate() + 1);
  return day.toISOString();
}

/**
 * The payment team's list of card payments taken by phone: status, amount, reference, the card's last
 * four digits, Pay360's transaction id and the flow that took it — filterable, and exported as CSV with
 * the same filters. Card numbers never reach this screen: the engine has none to give.
 */
export function PaymentsScreen() {
  const formId = useId();
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [reference, setReference] = useState('');
  const [kind, setKind] = useState<'phone' | 'test' | ''>('phone');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filter, setFilter] = useState<PaymentFilter>({ kind: 'phone' });
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<Paged<PaymentRecord>>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api.listPayments(filter, page, PAGE_SIZE).then(
      (r) => live && (setResult(r), setError(undefined)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [filter, page]);

  const apply = () => {
    const since = dayBound(from, false);
    const until = dayBound(to, true);
    setFilter({
      ...(status ? { status } : {}),
      ...(reference.trim() ? { reference: reference.trim() } : {}),
      ...(kind ? { kind } : {}),
      ...(since ? { since } : {}),
      ...(until ? { until } : {}),
    });
    setPage(1);
  };
  const pages = result ? Math.max(1, Math.ceil(result.total / PAGE_SIZE)) : 1;
  const id = (name: string) => `${formId}-${name}`;

  return (
    <main className="screen" aria-label="Payments">
      <h1>Card payments</h1>
      <p className="muted">
        Payments taken by phone through Pay360. Card details are keyed into Pay360 and never reach this system: only the last four digits are shown.
      </p>
      <form
        className="filters"
        aria-label="Filter payments"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <div className="field">
          <label htmlFor={id('status')}>Status</label>
          <select id={id('status')} value={status} onChange={(e) => setStatus(e.target.value as PaymentStatus | '')}>
            <option value="">Any</option>
            {(Object.keys(STATUS_LABEL) as PaymentStatus[]).map((s) => (
              <option key={s} value={s}>
                {STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('reference')}>Reference</label>
          <input id={id('reference')} value={reference} onChange={(e) => setReference(e.target.value)} placeholder="e.g. PCN12345678" />
        </div>
        <div className="field">
          <label htmlFor={id('kind')}>Calls</label>
          <select id={id('kind')} value={kind} onChange={(e) => setKind(e.target.value as 'phone' | 'test' | '')}>
            <option value="phone">Phone calls</option>
            <option value="test">Designer test calls</option>
            <option value="">Both</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={id('from')}>From</label>
          <input id={id('from')} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={id('to')}>To</label>
          <input id={id('to')} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Show payments
          </button>
          <a className="button-link" href={api.paymentsExportUrl(filter)} download>
            Export CSV
          </a>
        </div>
      </form>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <p aria-live="polite" className="muted">
        {result ? `${result.total} payment${result.total === 1 ? '' : 's'}` : 'Loading…'}
      </p>
      <table className="records payments">
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Amount
            </th>
            <th scope="col">Reference</th>
            <th scope="col">Card</th>
            <th scope="col">Pay360 transaction</th>
            <th scope="col">Flow</th>
            <th scope="col">Call</th>
          </tr>
        </thead>
        <tbody>
          {result?.items.map((p) => (
            <tr key={p.id}>
              <td>{when(p.createdAt)}</td>
              <td>
                <span className={`status status-${p.status}`}>{STATUS_LABEL[p.status]}</span>
                {p.previouslyPaid && <small className="help">Already paid earlier: nothing charged again</small>}
                {p.reason && p.status !== 'paid' && <small className="help">{REASON_LABEL[p.reason] ?? p.reason}</small>}
              </td>
              <td className="number">{money(p.amountMinor)}</td>
              <td>{p.reference}</td>
              <td>{p.maskedCard ?? ''}</td>
              <td>{p.gatewayTransactionId ?? ''}</td>
              <td>{p.flowId ?? ''}</td>
              <td>
                <span className="call-id">{p.callId}</span>
                {p.callKind === 'test' && <small className="help">Test call</small>}
                {p.agentId && <small className="help">Agent {p.agentId}</small>}
              </td>
            </tr>
          ))}
          {result && result.items.length === 0 && (
            <tr>
              <td colSpan={8} className="muted">
                No payments match.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page} of {pages}
          </span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </main>
  );
}
