import { describe, expect, it } from 'vitest';
import { lineLogger } from './line-logger.js';

describe('the engine log', () => {
  it('starts each line with its time and level, and writes a turn’s lines at once', async () => {
    const out: string[] = [];
    const err: string[] = [];
    let t = Date.UTC(2026, 11, 1, 10, 15, 2, 123);
    const logger = lineLogger({ out: { write: (text) => out.push(text) }, err: { write: (text) => err.push(text) }, now: () => new Date(t++) });
    logger.info('media server fs1 connected');
    logger.warn('designer: serving the API only');
    logger.error('could not store call c1: 3 records', new Error('violates foreign key constraint'));
    expect(out).toEqual([]); // nothing written in the middle of the work that logged it
    await new Promise((resolve) => setImmediate(resolve));
    expect(out).toEqual(['2026-12-01T10:15:02.123Z INFO media server fs1 connected\n2026-12-01T10:15:02.124Z WARN designer: serving the API only\n']);
    expect(err).toEqual(['2026-12-01T10:15:02.125Z ERROR could not store call c1: 3 records: violates foreign key constraint\n']);
  });

  it('writes what is waiting when asked (the process is exiting)', () => {
    const out: string[] = [];
    const logger = lineLogger({ out: { write: (text) => out.push(text) }, now: () => new Date(0) });
    logger.info('SIGTERM: shutting down');
    logger.flush();
    expect(out).toEqual(['1970-01-01T00:00:00.000Z INFO SIGTERM: shutting down\n']);
  });
});
