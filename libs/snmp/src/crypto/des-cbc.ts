import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * DES-CBC without padding, for USM privacy (RFC 3414 §8). DES lives in OpenSSL 3's legacy
 * provider, which Node 24 loads only with `--openssl-legacy-provider`; net-snmp 3.29.2 calls
 * OpenSSL's des-cbc (throws there) and its bundled pure-JS DES fails the FIPS 46 test vector.
 * So: OpenSSL when it has DES, else npm `des.js`. The poller's sessions and the trap receiver's
 * USM both use this one.
 */
interface DesJsCipher {
  update(data: Buffer): number[];
  final(): number[];
}
interface DesJs {
  DES: unknown;
  CBC: { instantiate(c: unknown): { create(o: { type: 'encrypt' | 'decrypt'; key: Buffer; iv: Buffer; padding: boolean }): DesJsCipher } };
}

function nativeDes(): boolean {
  try {
    createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

export const NATIVE_DES = nativeDes();
let desJsCbc: ReturnType<DesJs['CBC']['instantiate']> | undefined;

export function desCbc(mode: 'encrypt' | 'decrypt', key: Buffer, iv: Buffer, data: Buffer): Buffer {
  if (NATIVE_DES) {
    const c = mode === 'decrypt' ? createDecipheriv('des-cbc', key, iv) : createCipheriv('des-cbc', key, iv);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(data), c.final()]);
  }
  if (!desJsCbc) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const desJs = require('des.js') as DesJs;
    desJsCbc = desJs.CBC.instantiate(desJs.DES);
  }
  const c = desJsCbc.create({ type: mode, key, iv, padding: false });
  return Buffer.from([...c.update(data), ...c.final()]);
}
