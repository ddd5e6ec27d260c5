import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../adapters/telephony/simulator/simulated-clock.js';
import { STAND_IN_SECRETS, simulatedKit, simulatedStandIns } from '../adapters/telephony/simulator/simulated-ports.js';
import { defaultWorld } from '../adapters/telephony/simulator/world.js';
import type { SecretSource } from '../ports/secrets.js';
import { createCallPorts } from './call-ports.js';

describe('call ports and secrets (issue 9)', () => {
  const vault: SecretSource = { reveal: async () => 'the real value' };
  const clock = new SimulatedClock(0);
  const ports = createCallPorts({ ...simulatedKit(defaultWorld(), { clock }), secrets: vault });

  it('give phone calls the secrets store', () => {
    expect(ports.phone.secrets).toBe(vault);
  });

  it('give a simulated test call stand-ins, never the real secrets', async () => {
    const test = ports.test({ clock, standIns: simulatedStandIns(defaultWorld(), clock) });
    expect(test.secrets).toBe(STAND_IN_SECRETS);
    expect(await test.secrets!.reveal('COUNCIL_KEY')).toBe('[secret COUNCIL_KEY]');
  });
});
