import type pg from 'pg';
import type { Prompt, PromptRepository } from '../../../ports/store.js';
import { inTransaction } from './database.js';
import { isPgError, PG_FOREIGN_KEY_VIOLATION, toJson, writeAudit } from './sql.js';

interface PromptRow {
  id: string;
  name: string;
  text: Record<string, string>;
  audio_languages: string[];
  updated_at: Date;
}

const PROMPT_SELECT = `SELECT p.id, p.name, p.text, p.updated_at,
  ARRAY(SELECT a.language FROM prompt_audio a WHERE a.prompt_id = p.id ORDER BY a.language) AS audio_languages
  FROM prompts p`;

function prompt(row: PromptRow): Prompt {
  return { id: row.id, name: row.name, text: row.text, audioLanguages: row.audio_languages, updatedAt: row.updated_at };
}

export function promptRepository(pool: pg.Pool): PromptRepository {
  async function get(id: string, q: Pick<pg.Pool, 'query'> = pool): Promise<Prompt | undefined> {
    const { rows } = await q.query<PromptRow>(`${PROMPT_SELECT} WHERE p.id = $1`, [id]);
    return rows[0] && prompt(rows[0]);
  }

  return {
    async list() {
      const { rows } = await pool.query<PromptRow>(`${PROMPT_SELECT} ORDER BY lower(p.name), p.id`);
      return rows.map(prompt);
    },

    get: (id) => get(id),

    async create(input, actor) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('INSERT INTO prompts (id, name, text) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [
          input.id,
          input.name,
          input.text,
        ]);
        if (rowCount === 0) return { kind: 'exists' } as const;
        const created = (await get(input.id, client))!;
        await writeAudit(client, { actor, action: 'prompt.create', entityType: 'prompt', entityId: input.id, before: null, after: toJson(input) });
        return { kind: 'created', prompt: created } as const;
      });
    },

    async update(id, changes, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ name: string; text: Record<string, string> }>('SELECT name, text FROM prompts WHERE id = $1 FOR UPDATE', [id]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        const before = rows[0];
        const after = { name: changes.name ?? before.name, text: changes.text ?? before.text };
        await client.query('UPDATE prompts SET name = $2, text = $3, updated_at = now() WHERE id = $1', [id, after.name, after.text]);
        await writeAudit(client, { actor, action: 'prompt.update', entityType: 'prompt', entityId: id, before: toJson(before), after: toJson(after) });
        return { kind: 'updated', prompt: (await get(id, client))! } as const;
      });
    },

    async delete(id, actor) {
      return inTransaction(pool, async (client) => {
        const { rows } = await client.query<{ name: string; text: Record<string, string> }>('DELETE FROM prompts WHERE id = $1 RETURNING name, text', [id]);
        if (!rows[0]) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'prompt.delete', entityType: 'prompt', entityId: id, before: toJson(rows[0]), after: null });
        return { kind: 'deleted' } as const;
      });
    },

    async putAudio(id, language, audio, actor) {
      try {
        return await inTransaction(pool, async (client) => {
          await client.query(
            `INSERT INTO prompt_audio (prompt_id, language, content_type, bytes) VALUES ($1, $2, $3, $4)
             ON CONFLICT (prompt_id, language) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, updated_at = now()`,
            [id, language, audio.contentType, Buffer.from(audio.bytes.buffer, audio.bytes.byteOffset, audio.bytes.byteLength)],
          );
          await client.query('UPDATE prompts SET updated_at = now() WHERE id = $1', [id]);
          await writeAudit(client, {
            actor,
            action: 'prompt.putAudio',
            entityType: 'prompt',
            entityId: id,
            after: { language, contentType: audio.contentType, bytes: audio.bytes.byteLength },
          });
          return { kind: 'saved' } as const;
        });
      } catch (error) {
        if (isPgError(error, PG_FOREIGN_KEY_VIOLATION)) return { kind: 'notFound' } as const;
        throw error;
      }
    },

    async audio(id, language) {
      const { rows } = await pool.query<{ content_type: string; bytes: Buffer; updated_at: Date }>(
        'SELECT content_type, bytes, updated_at FROM prompt_audio WHERE prompt_id = $1 AND language = $2',
        [id, language],
      );
      const row = rows[0];
      return row && { contentType: row.content_type, bytes: new Uint8Array(row.bytes), updatedAt: row.updated_at };
    },

    async deleteAudio(id, language, actor) {
      return inTransaction(pool, async (client) => {
        const { rowCount } = await client.query('DELETE FROM prompt_audio WHERE prompt_id = $1 AND language = $2', [id, language]);
        if (rowCount === 0) return { kind: 'notFound' } as const;
        await writeAudit(client, { actor, action: 'prompt.deleteAudio', entityType: 'prompt', entityId: id, before: { language }, after: null });
        return { kind: 'deleted' } as const;
      });
    },
  };
}
