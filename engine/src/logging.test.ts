import { describe, expect, it } from 'vitest';
import { redactingLogger, type Logger } from './logging.js';

describe('the engine log', () => {
  it('passes messages and errors through the same redaction as the event log', () => {
    const lines: string[] = [];
    const sink: Logger = {
      info: (m) => lines.push(`info ${m}`),
      warn: (m) => lines.push(`warn ${m}`),
      error: (m, e) => lines.push(`error ${m} ${e instanceof Error ? `${e.name}: ${e.message} ${e.stack}` : String(e)}`),
    };
    const logger = redactingLogger(sink);
    logger.info('caller keyed 4444333322221111 at the reference prompt');
    logger.warn('GET /v1/references/5555-5555-5555-4444 failed');
    const error = new TypeError('bad digits 4917610000000000');
    logger.error('data dip failed', error);
    logger.error('odd value', { digits: '4444 3333 2222 1111' });
    logger.info('call from +441234500000 to ref 12345678');
    expect(lines.join('\n')).not.toMatch(/4444333322221111|5555-5555-5555-4444|4917610000000000|4444 3333 2222 1111/);
    expect(lines[0]).toBe('info caller keyed [card number removed] at the reference prompt');
    expect(lines[2]).toMatch(/^error data dip failed TypeError: bad digits \[card number removed\]/);
    expect(lines[4]).toBe('info call from +441234500000 to ref 12345678');
  });
});
