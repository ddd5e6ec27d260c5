/**
 * The DTMF a scenario keys from pcaps test:sip writes for each run (`@PCAPS@/<name>` in the scenario):
 * every key sequence with RTP sequence numbers of its own, so FreeSWITCH never drops a repeated key as a
 * retransmission (sipp's stock one-key pcaps all share theirs). By scenario file, pcap name → keys and
 * first sequence number.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dtmfPcap } from './dtmf-pcap.js';

export const GENERATED_PCAPS: Record<string, Record<string, [keys: string, firstSequence: number]>> = {
  'payments-line.xml': {
    'reference.pcap': ['12345678#', 1000],
    'confirm.pcap': ['1', 2000],
    'pay.pcap': ['1', 3000],
    'card.pcap': ['4444333322221111#1230#737#', 4000],
  },
  'main-line-callback.xml': {
    'highways.pcap': ['1', 1000],
    'person.pcap': ['0', 2000],
    'callback.pcap': ['1', 3000],
    'confirm.pcap': ['1', 4000],
  },
};

/**
 * Writes `scenario`'s pcaps into `dir`/<scenario>/ and the scenario itself, with @PCAPS@ pointing there;
 * returns the scenario's path.
 */
export function scenarioWithPcaps(scenariosDir: string, scenario: string, dir: string): string {
  const pcaps = join(dir, scenario.replace(/\.xml$/, ''));
  mkdirSync(pcaps, { recursive: true });
  for (const [name, [keys, firstSequence]] of Object.entries(GENERATED_PCAPS[scenario] ?? {})) writeFileSync(join(pcaps, name), dtmfPcap(keys, { firstSequence }));
  const out = join(dir, scenario);
  writeFileSync(out, readFileSync(join(scenariosDir, scenario), 'utf8').replaceAll('@PCAPS@', pcaps));
  return out;
}
