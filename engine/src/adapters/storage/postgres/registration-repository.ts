import type pg from 'pg';
import type { RegistrationRepository } from '../../../ports/registrations.js';

/** Agents' SIP phone bindings (migrations/0010_sip_registrations.sql): every engine reads and writes the same rows. */
export function registrationRepository(pool: pg.Pool): RegistrationRepository {
  return {
    async put(r) {
      await pool.query(
        `INSERT INTO sip_registrations (agent_id, contact, username, registered_at, expires_at, user_agent, source, engine_instance_id)
         VALUES ($1, $2, $3, to_timestamp($4::double precision / 1000), to_timestamp($5::double precision / 1000), $6, $7, $8)
         ON CONFLICT (agent_id, contact) DO UPDATE SET username = EXCLUDED.username, registered_at = EXCLUDED.registered_at,
           expires_at = EXCLUDED.expires_at, user_agent = EXCLUDED.user_agent, source = EXCLUDED.source,
           engine_instance_id = EXCLUDED.engine_instance_id`,
        [r.agentId, r.contact, r.username, r.registeredAt, r.expiresAt, r.userAgent ?? null, r.source ?? null, r.engineInstanceId ?? null],
      );
    },
    async remove(agentId, contact) {
      if (contact === undefined) await pool.query('DELETE FROM sip_registrations WHERE agent_id = $1', [agentId]);
      else await pool.query('DELETE FROM sip_registrations WHERE agent_id = $1 AND contact = $2', [agentId, contact]);
    },
    async contactsOf(agentId, now) {
      const { rows } = await pool.query<{ contact: string }>(
        `SELECT contact FROM sip_registrations
         WHERE agent_id = $1 AND expires_at > to_timestamp($2::double precision / 1000)
         ORDER BY registered_at DESC, contact`,
        [agentId, now],
      );
      return rows.map((row) => row.contact);
    },
    async registeredAgents(now) {
      const { rows } = await pool.query<{ n: number }>(
        'SELECT count(DISTINCT agent_id)::int AS n FROM sip_registrations WHERE expires_at > to_timestamp($1::double precision / 1000)',
        [now],
      );
      return rows[0]?.n ?? 0;
    },
    async expire(now) {
      const { rowCount } = await pool.query('DELETE FROM sip_registrations WHERE expires_at <= to_timestamp($1::double precision / 1000)', [now]);
      return rowCount ?? 0;
    },
  };
}
