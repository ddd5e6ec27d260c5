import { useId, useState } from 'react';
import { api, ApiError, type DeskPayment } from '../api/client.js';

/** The stages of a payment, as the adviser reads them. */
const STAGES: Array<{ stage: DeskPayment['stage']; label: string }> = [
  { stage: 'starting', label: 'Started' },
  { stage: 'with-payment-line', label: 'Caller keying their card' },
  { stage: 'checking', label: 'Checking the outcome' },
  { stage: 'ended', label: 'Outcome' },
];

const OUTCOME: Record<NonNullable<DeskPayment['status']>, string> = {
  paid: 'Paid',
  declined: 'Declined',
  abandoned: 'Not paid — the caller left the payment line',
  error: 'Not taken — the payment could not be made',
};

const REASONS: Record<string, string> = {
  timeout: 'the payment service did not answer in time',
  unreachable: 'the payment service could not be reached',
  'service-error': 'the payment service reported a problem',
  'in-progress': 'this reference is being paid on another call right now',
  'hand-off-failed': 'the caller could not be put through to the payment line',
  'outcome-unknown': 'the outcome is not known yet: check the Payments screen',
  'not-configured': 'card payments are not set up on this engine',
  'invalid-request': 'the amount or reference was not usable',
};

export const pounds = (pence: number) => `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * "Take payment" on the call in front of the adviser: the amount and reference, then the payment's progress
 * and its outcome — the masked card and Pay360's transaction id, never a digit the caller keys. The caller is
 * put through to the secure payment line; the adviser hears hold music until they are back.
 */
export function PaymentPanel({ callId, payment, talking }: { callId: string; payment: DeskPayment | undefined; talking: boolean }) {
  const id = useId();
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string>();
  const [sending, setSending] = useState(false);
  const inProgress = payment !== undefined && payment.stage !== 'ended';
  const [asking, setAsking] = useState(false);

  const submit = async () => {
    const found: Record<string, string> = {};
    const pence = /^\d{1,7}(\.\d{1,2})?$/.test(amount.trim().replace(/^£/, '')) ? Math.round(Number(amount.trim().replace(/^£/, '')) * 100) : NaN;
    if (!(pence >= 1)) found.amountPence = 'Enter the amount in pounds and pence, e.g. 70.00';
    if (!reference.trim()) found.reference = 'Enter the reference of what is paid';
    // Never sent anywhere: an adviser must not take a card number themselves.
    else if (/\d{13}/.test(reference.replace(/[\s-]/g, ''))) found.reference = 'That looks like a card number: the caller keys their card on the payment line, never to you';
    setErrors(found);
    setProblem(undefined);
    if (Object.keys(found).length > 0) return;
    setSending(true);
    try {
      await api.deskTakePayment(callId, { amountPence: pence, reference: reference.trim(), ...(description.trim() ? { description: description.trim() } : {}) });
      setAsking(false);
    } catch (e) {
      if (e instanceof ApiError) {
        setErrors(e.fieldErrors.byField);
        if (Object.keys(e.fieldErrors.byField).length === 0) setProblem(e.detail ?? e.title);
      } else setProblem((e as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="payment-panel" aria-labelledby={`${id}-h`}>
      <div className="payment-head">
        <h3 id={`${id}-h`}>Card payment</h3>
        {talking && !asking && !inProgress && (
          <button type="button" onClick={() => setAsking(true)}>
            Take payment…
          </button>
        )}
      </div>
      {asking && !inProgress && (
        <form
          className="payment-form"
          aria-label="Take a card payment"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (!sending) void submit();
          }}
        >
          <p className="help">The caller is put through to the secure payment line and keys their card there. You hear hold music, never the card, and they come back to you.</p>
          <div className={`field${errors.amountPence ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-amount`}>Amount (£)</label>
            <input id={`${id}-amount`} inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={!!errors.amountPence} aria-describedby={errors.amountPence ? `${id}-amount-error` : undefined} />
            {errors.amountPence && (
              <small className="field-error" id={`${id}-amount-error`}>
                {errors.amountPence}
              </small>
            )}
          </div>
          <div className={`field${errors.reference ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-reference`}>Reference</label>
            <input id={`${id}-reference`} autoComplete="off" maxLength={50} value={reference} onChange={(e) => setReference(e.target.value)} aria-invalid={!!errors.reference} aria-describedby={`${id}-reference-help${errors.reference ? ` ${id}-reference-error` : ''}`} />
            <small className="help" id={`${id}-reference-help`}>
              The fine, invoice or account number — never a card number.
            </small>
            {errors.reference && (
              <small className="field-error" id={`${id}-reference-error`}>
                {errors.reference}
              </small>
            )}
          </div>
          <div className={`field${errors.description ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-description`}>What it is for (optional)</label>
            <input id={`${id}-description`} autoComplete="off" maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={!!errors.description} />
            {errors.description && <small className="field-error">{errors.description}</small>}
          </div>
          {problem && (
            <p className="field-error" role="alert">
              {problem}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" className="primary" disabled={sending}>
              Put caller through to pay
            </button>
            <button type="button" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {payment && <PaymentProgress payment={payment} />}
      {!payment && !asking && <p className="muted">{talking ? 'No payment taken on this call.' : 'No payment was taken on this call.'}</p>}
    </section>
  );
}

function PaymentProgress({ payment }: { payment: DeskPayment }) {
  const reached = STAGES.findIndex((s) => s.stage === payment.stage);
  const outcome = payment.callerHungUp ? 'The caller hung up during the payment' : payment.status ? OUTCOME[payment.status] : 'In progress';
  return (
    <div className={`payment-progress payment-${payment.status ?? 'running'}`}>
      <p className="payment-what">
        {pounds(payment.amountPence)} for <strong>{payment.reference}</strong>
      </p>
      <ol className="payment-stages" aria-label="Payment progress">
        {STAGES.map((s, i) => (
          <li key={s.stage} className={i < reached ? 'done' : i === reached ? 'current' : 'todo'} aria-current={i === reached ? 'step' : undefined}>
            {s.label}
          </li>
        ))}
      </ol>
      {payment.stage === 'with-payment-line' && <p className="help">The caller is on the secure payment line; you hear hold music until they are back.</p>}
      <div role="status" aria-live="polite">
        {payment.stage === 'ended' && (
          <dl className="payment-outcome">
            <div>
              <dt>Outcome</dt>
              <dd className="payment-status">{outcome}</dd>
            </div>
            {payment.maskedCard && (
              <div>
                <dt>Card</dt>
                <dd>{payment.maskedCard}</dd>
              </div>
            )}
            {payment.transactionId && (
              <div>
                <dt>Transaction</dt>
                <dd>{payment.transactionId}</dd>
              </div>
            )}
            {payment.reason && payment.status !== 'paid' && (
              <div>
                <dt>Why</dt>
                <dd>{REASONS[payment.reason] ?? payment.reason}</dd>
              </div>
            )}
            {payment.previouslyPaid && (
              <div>
                <dt>Note</dt>
                <dd>Already paid earlier under this reference: nothing was charged now.</dd>
              </div>
            )}
            {payment.callerHungUp && (
              <div>
                <dt>Next</dt>
                <dd>Its outcome is read from Pay360 and shown on the Payments screen. Wrap the call up.</dd>
              </div>
            )}
            {payment.adviserLeft && (
              <div>
                <dt>Note</dt>
                <dd>You had left the call: the caller heard the outcome.</dd>
              </div>
            )}
          </dl>
        )}
      </div>
    </div>
  );
}
