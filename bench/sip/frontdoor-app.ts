/**
 * bench:sip's frontdoor: `frontdoor start` (engine/src/main.ts's start(), as bin/frontdoor.js runs it)
 * with the config in FRONTDOOR_CONFIG (and DATABASE_URL for PostgreSQL), the bench flow
 * (bench/sip/flows) loaded on first start, and the bench number routed to it. Nothing else differs from
 * a production start: the shipped admission defaults, logging, call records.
 *
 *   FRONTDOOR_CONFIG=… BENCH_DID=+441234599000 node --import tsx bench/sip/frontdoor-app.ts
 */
import { join } from 'node:path';
import { start } from '../../engine/src/main.js';
import { profileOnSignal } from './profiling.js';

profileOnSignal();
const BENCH_FLOW_ID = 'bench-press-one';

const did = process.env.BENCH_DID ?? '+441234599000';
const engine = await start({ flowsDir: join(import.meta.dirname, 'flows') });
if (!(await engine.store.numbers.get(did))) {
  const created = await engine.store.numbers.create({ did, flowId: BENCH_FLOW_ID, label: 'bench:sip' }, 'system:bench');
  if (created.kind !== 'created') throw new Error(`bench number ${did}: ${created.kind}`);
}
console.log(`bench number ${did} routes to ${BENCH_FLOW_ID}`);
