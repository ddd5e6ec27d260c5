import { describe, expect, it } from 'vitest';
import { formatDestination, parseDestination } from './destination.js';

describe('parseDestination', () => {
  it.each([
    ['sip:highways@pbx.example.gov.uk', { kind: 'sip', uri: 'sip:highways@pbx.example.gov.uk' }],
    ['tel:+441632960123', { kind: 'number', e164: '+441632960123' }],
    ['+44 1632 960123', { kind: 'number', e164: '+441632960123' }],
    ['teams:+441632960999', { kind: 'teams', e164: '+441632960999' }],
    ['agent:jsmith', { kind: 'agent', agentId: 'jsmith' }],
  ])('reads %s', (text, destination) => {
    expect(parseDestination(text)).toEqual({ ok: true, destination });
  });

  it.each([
    ['', 'the destination is empty'],
    ['01632960123', 'is not an E.164 number'],
    ['tel:+44abc', 'is not an E.164 number'],
    ['queue:highways', 'send callers to a queue with a Queue node'],
    ['fax:123', 'unknown scheme "fax:"'],
    ['sip:not a uri', 'is not a SIP address'],
    ['agent:', 'is not an agent id'],
  ])('explains what is wrong with %j', (text, message) => {
    const parsed = parseDestination(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toContain(message);
  });

  it('formats a destination so it reads back the same', () => {
    for (const text of ['sip:a@b.example', 'tel:+441632960123', 'teams:+441632960999', 'agent:jsmith']) {
      const parsed = parseDestination(text);
      expect(parsed.ok && formatDestination(parsed.destination)).toBe(text);
    }
  });
});
