import { describe, expect, it } from 'vitest';
import { runNode } from '../../../testing/node-harness.js';
import { paymentNode } from './payment.node.js';

const params = { amount: { from: 'variable', variable: 'amountDuePence' }, referenceVariable: 'caseRef', description: 'Parking fine {{caseRef}}' };
const vars = { amountDuePence: '7000', caseRef: 'PCN12345678' };
const CARD_LIKE = /\d{12,19}/;

describe('payment node', () => {
  it('hands the caller to the card service and records the result, never the card', async () => {
    const r = await runNode(paymentNode, params, { vars, caller: [{ press: '4111111111111111' }, { press: '1230' }, { press: '123' }] });
    expect(r).toMatchObject({
      outcome: 'paid',
      set: { paymentStatus: 'paid', paymentReference: 'PCN12345678', paymentTransactionId: 'simulated-txn-1', paymentAmountPence: 7000 },
    });
    expect(JSON.stringify(r.events)).not.toMatch(CARD_LIKE);
    expect(JSON.stringify(r.set)).not.toMatch(CARD_LIKE);
    expect(r.call.recordingPaused).toBe(false);
  });

  it.each(['declined', 'cancelled', 'failed'] as const)('takes the %s exit', async (status) => {
    const r = await runNode(paymentNode, params, { vars, world: { payments: status } });
    expect(r).toMatchObject({ outcome: status, set: { paymentStatus: status, paymentTransactionId: null } });
  });

  it('uses a fixed amount, or the fallback amount when the variable holds none', async () => {
    const fixed = await runNode(paymentNode, { amount: { from: 'fixed', pence: 2500 }, referenceVariable: 'caseRef' }, { vars: { caseRef: 'INV1' } });
    expect(fixed.set).toMatchObject({ paymentAmountPence: 2500, paymentReference: 'INV1' });
    const otherwise = await runNode(paymentNode, { amount: { from: 'variable', variable: 'due', otherwisePence: 900 }, referenceVariable: 'caseRef' }, { vars: { caseRef: 'INV2' } });
    expect(otherwise.set).toMatchObject({ paymentAmountPence: 900 });
  });

  it('can leave the amount to the payment service, which knows what is owed for the reference', async () => {
    const service = { amount: { from: 'service' }, referenceVariable: 'caseRef' };
    const r = await runNode(paymentNode, service, { vars: { caseRef: 'PCN1' }, world: { amountsDue: { PCN1: 6500 } } });
    expect(r).toMatchObject({ outcome: 'paid', set: { paymentAmountPence: 6500, paymentReference: 'PCN1' } });
    expect((await runNode(paymentNode, service, { vars: { caseRef: 'UNKNOWN' } })).outcome).toBe('failed');
  });

  it('reads version 1 params (amountPence / amountVariable, ringTimeoutMs)', async () => {
    const { nodeDefinition } = await import('../../catalogue.js');
    const v1 = nodeDefinition('payment', 1)!;
    expect(v1.params.parse({ amountVariable: 'due', amountPence: 100, referenceVariable: 'r', ringTimeoutMs: 20_000 })).toMatchObject({
      amount: { from: 'variable', variable: 'due', otherwisePence: 100 },
      ringTimeoutSeconds: 20,
    });
    expect(v1.params.parse({ amountPence: 100, referenceVariable: 'r' })).toMatchObject({ amount: { from: 'fixed', pence: 100 } });
  });

  it('fails without calling the card service when the amount or reference is missing', async () => {
    expect((await runNode(paymentNode, params, { vars: { caseRef: 'X1' } })).outcome).toBe('failed');
    expect((await runNode(paymentNode, params, { vars: { amountDuePence: 12.5, caseRef: 'X1' } })).outcome).toBe('failed');
    const noRef = await runNode(paymentNode, params, { vars: { amountDuePence: 500 } });
    expect(noRef.outcome).toBe('failed');
    expect(noRef.heard).toEqual([]);
  });

  it('fails when the card service cannot be reached, and resumes recording', async () => {
    const r = await runNode(paymentNode, params, { vars, world: { destinations: { 'sip:callsecure@pay360.simulated': 'failed' } } });
    expect(r.outcome).toBe('failed');
    expect(r.call.recordingPaused).toBe(false);
  });

  it('is sensitive (keys redacted) and leaves the amount to the payment service unless told', () => {
    expect(paymentNode.traits.sensitive).toBe(true);
    expect(paymentNode.params.parse({ referenceVariable: 'caseRef' }).amount).toEqual({ from: 'service' });
  });
});
