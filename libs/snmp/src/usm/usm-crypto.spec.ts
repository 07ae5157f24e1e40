import { localizeKey, passwordToKey, privKey, encryptScopedPdu, decryptScopedPdu } from './usm-crypto';
import { PRIV_PROTOCOLS, type PrivProtocol } from '@sonde/inventory/credentials/usm-protocols';
import { EngineTimeTracker } from './engine-time';

describe('USM key localization (RFC 3414 A.3)', () => {
  const engine = Buffer.from('000000000000000000000002', 'hex');
  it('MD5: maplesyrup', () => {
    const ku = passwordToKey('md5', 'maplesyrup');
    expect(ku.toString('hex')).toBe('9faf3283884e92834ebc9847d8edd963');
    expect(localizeKey('md5', ku, engine).toString('hex')).toBe('526f5eed9fcce26f8964c2930787d82b');
  });
  it('SHA-1: maplesyrup', () => {
    const ku = passwordToKey('sha', 'maplesyrup');
    expect(ku.toString('hex')).toBe('9fb5cc0381497b3793528939ff788d5d79145211');
    expect(localizeKey('sha', ku, engine).toString('hex')).toBe('6695febc9288e36282235fc7151f128497b38f3f');
  });
  it.each(Object.keys(PRIV_PROTOCOLS) as PrivProtocol[])('%s encrypts and decrypts a ScopedPDU', (priv) => {
    const key = privKey('sha256', priv, passwordToKey('sha256', 'privpass-456'), engine);
    const plain = Buffer.from('300e0400040030080201000201000201', 'hex');
    const { data, salt } = encryptScopedPdu(priv, key, 3, 1234, plain);
    expect(decryptScopedPdu(priv, key, salt, 3, 1234, data).subarray(0, plain.length)).toEqual(plain);
  });
});

describe('EngineTimeTracker (RFC 3414 §3.2 step 7b)', () => {
  it('learns, accepts inside the window, rejects replays and boots going back', () => {
    let now = 0;
    const t = new EngineTimeTracker({ now: () => now });
    expect(t.check('e', 5, 1000)).toBeUndefined();
    now += 120_000;
    expect(t.check('e', 5, 1000)).toBeUndefined(); // 120 s old: inside 150 s
    now += 60_000;
    expect(t.check('e', 5, 1000)).toBe('not-in-time-window'); // 180 s old
    expect(t.check('e', 5, 1180)).toBeUndefined(); // current
    expect(t.check('e', 4, 99999)).toBe('not-in-time-window'); // boots went back
    expect(t.check('e', 6, 1)).toBeUndefined(); // reboot: new boots
    expect(t.check('e', 5, 1200)).toBe('not-in-time-window');
    expect(t.check('e', 2147483647, 1)).toBe('not-in-time-window');
  });
});
