import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactingLogger } from '../../logging.js';
import { pinoLogger } from './pino-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('the JSON log (pino)', () => {
  it('writes one JSON object per line with the level, the message and the call it is about', () => {
    const { lines, destination } = capture();
    const logger = pinoLogger({ destination, base: { engine: 'engine-a' } });
    logger.info('call answered', { callId: 'call-123', flowId: 'main-line', skipped: undefined });
    logger.warn('number has no published flow', { callId: 'call-124' });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'call answered', callId: 'call-123', flowId: 'main-line', service: 'frontdoor', engine: 'engine-a' });
    expect(lines[0]).not.toHaveProperty('skipped');
    expect(typeof lines[0]!.time).toBe('string');
    expect(lines[1]).toMatchObject({ level: 'warn', callId: 'call-124' });
  });

  it('through the one redaction layer (as main.ts wires it), no card-like number reaches the log: messages, fields and errors', () => {
    const { lines, destination } = capture();
    const logger = redactingLogger(pinoLogger({ destination }));
    logger.info('caller keyed 4444 3333 2222 1111 at the menu', { callId: 'c1', note: 'card 4444333322221111' });
    logger.error('data dip failed', new Error('GET /lookup?ref=5500005555555559 returned 500'), { callId: 'c2' });
    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/4444\s?3333\s?2222\s?1111|5500005555555559/);
    expect(lines[0]!.msg).toBe('caller keyed [card number removed] at the menu');
    expect(lines[1]).toMatchObject({ level: 'error', callId: 'c2', error: { type: 'Error', message: 'GET /lookup?ref=[card number removed] returned 500' } });
    // Numbers that are not card-like (an epoch time, a phone number) stay readable.
    logger.info('started at 1796080446000 from 01632 960500');
    expect(lines[2]!.msg).toBe('started at 1796080446000 from 01632 960500');
  });
});
