import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineNode } from '../core/nodes/define-node.js';
import { menuNode } from '../core/nodes/menu/menu.node.js';
import { playNode } from '../core/nodes/play/play.node.js';
import { REDACTED } from '../core/runtime/event-log.js';
import type { AnyNodeDefinition } from '../core/nodes/define-node.js';
import { runNode } from './node-harness.js';

const menu = menuNode as unknown as AnyNodeDefinition;
const menuParams = {
  prompt: { text: { 'en-GB': 'For highways, press 1. For libraries, press 2.', 'cy-GB': 'Priffyrdd, pwyswch 1.' } },
  options: [
    { digit: '1', label: 'Highways' },
    { digit: '2', label: 'Libraries' },
  ],
};

/** A node that asks for digits it must keep secret, as a payment node does. */
const secretEntry = defineNode({
  kind: 'secret-entry',
  version: 1,
  params: z.strictObject({}),
  outcomes: () => [{ name: 'done' }],
  ui: { label: 'Secret', category: 'Payments', icon: 'lock', help: 'test only', summary: [] },
  traits: { waitsForCaller: () => true, prompts: () => [], sensitive: true },
  async run({ call, log, signal }) {
    const answer = await call.collectDigits({
      prompt: [],
      bargeIn: false,
      minDigits: 4,
      maxDigits: 19,
      terminators: '#',
      firstDigitTimeoutMs: 5000,
      interDigitTimeoutMs: 3000,
      sensitive: true,
      signal,
    });
    if (answer.kind === 'digits') log('input.digits', { digits: answer.digits });
    return { outcome: 'done' };
  },
}) as unknown as AnyNodeDefinition;

describe('runNode', () => {
  it('runs a node with its schema defaults and returns its outcome, what was heard and what was logged', async () => {
    const result = await runNode(menu, menuParams, { caller: [{ press: '2' }] });
    expect(result.outcome).toBe('2');
    expect(result.heard).toEqual(['For highways, press 1. For libraries, press 2.']);
    expect(result.events.map((e) => e.type)).toEqual(['prompt.played', 'input.digits']);
    expect(result.events[1]!.data).toEqual({ digits: '2' });
  });

  it('re-prompts after silence and a wrong key, in simulated time', async () => {
    const result = await runNode(menu, menuParams, { caller: [{ silence: true }, { press: '9' }, { press: '1' }], at: '2026-03-02T09:00:00Z' });
    expect(result.outcome).toBe('1');
    expect(result.heard).toEqual([
      'For highways, press 1. For libraries, press 2.',
      "Sorry, I didn't hear anything.",
      'For highways, press 1. For libraries, press 2.',
      "Sorry, that isn't one of the options.",
      'For highways, press 1. For libraries, press 2.',
    ]);
    // The first prompt plays in full, then the 5 s no-input timeout passes: no real time is spent.
    expect(result.clock.now()).toBeGreaterThan(Date.parse('2026-03-02T09:00:05Z'));
  });

  it('plays prompts in the call language, falling back to the default language', async () => {
    const welsh = await runNode(menu, menuParams, { caller: [{ press: '1' }], language: 'cy-GB' });
    expect(welsh.heard).toEqual(['Priffyrdd, pwyswch 1.']);
    const played = await runNode(playNode as unknown as AnyNodeDefinition, { prompt: { text: { 'en-GB': 'Hello {{name}}' } } }, { vars: { name: 'Sam', language: 'cy-GB' } });
    expect(played.heard).toEqual(['Hello Sam']);
  });

  it('reports callerHungUp when the caller hangs up while the node runs', async () => {
    expect((await runNode(menu, menuParams, { caller: [{ hangup: true }] })).outcome).toBe('callerHungUp');
    // A script that runs out while the node waits for an answer: the caller hangs up.
    const ranOut = await runNode(menu, menuParams, { caller: [] });
    expect(ranOut.outcome).toBe('callerHungUp');
    expect(ranOut.call.endedBy).toBe('caller');
  });

  it('keeps the digits of a sensitive node out of its events', async () => {
    const result = await runNode(secretEntry, {}, { caller: [{ press: '4929123456781234#' }] });
    expect(result.events).toEqual([expect.objectContaining({ type: 'input.digits', data: { digits: REDACTED } })]);
    expect(JSON.stringify(result.events.map((e) => e.data))).not.toMatch(/\d/);
  });

  it('names every bad param', async () => {
    await expect(runNode(menu, { prompt: { text: {} }, options: [{ digit: 'x', label: '' }] })).rejects.toThrow(
      /menu@2 are not valid: options\.0\.digit: .*; options\.0\.label: /,
    );
  });

  it('rejects a bad world and a bad start time clearly', async () => {
    await expect(runNode(menu, menuParams, { world: { payments: 'maybe' as never } })).rejects.toThrow(/world is not valid: payments/);
    await expect(runNode(menu, menuParams, { at: 'next tuesday' })).rejects.toThrow(/"next tuesday" is not an ISO 8601 time/);
  });
});
