import { loadConfig } from '../load-config';
import { testBusSection } from '../test-sections';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from './usm-protocols';

// The inventory accepts every protocol of the one USM table: AES-192, which the trap receiver
// speaks and its README advertises, was rejected by a second list here before.
describe('snmp-usm credentials read the one USM table', () => {
  const combos = Object.keys(AUTH_PROTOCOLS).flatMap((auth) => Object.keys(PRIV_PROTOCOLS).map((priv) => [auth, priv] as const));

  it.each(combos)('authProtocol %s with privProtocol %s is a valid credential', (auth, priv) => {
    const text = `credentials:\n  v3:\n    type: snmp-usm\n    user: ops\n    authProtocol: ${auth}\n    authKey: { value: authpass99 }\n    privProtocol: ${priv}\n    privKey: { value: privpass99 }\n`;
    const config = loadConfig({ text, env: {}, sections: { bus: testBusSection } });
    expect(config.credentials.v3).toMatchObject({ type: 'snmp-usm', authProtocol: auth, privProtocol: priv, securityLevel: 'authPriv' });
  });
});
