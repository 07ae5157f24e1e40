import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { desCbc as desCbcMode } from '../crypto/des-cbc';
import { SnmpWireError } from '../ber/snmp-wire-error';
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type AuthProtocol, type PrivProtocol } from '@sonde/inventory/credentials/usm-protocols';

function desCbc(decrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  return desCbcMode(decrypt ? 'decrypt' : 'encrypt', key, iv, data);
}

/** RFC 3414 A.2: hash 1 MiB of the repeated password (Ku). Done once per password at config load. */
export function passwordToKey(auth: AuthProtocol, password: string | Buffer): Buffer {
  const h = createHash(AUTH_PROTOCOLS[auth].hash);
  const pw = typeof password === 'string' ? Buffer.from(password, 'utf8') : password;
  if (pw.length === 0) throw new SnmpWireError('config', 'empty-password', 'security', 'a USM password must not be empty');
  const chunk = Buffer.alloc(64 * 1024, pw);
  // 64 KiB chunks whose length is a multiple of the password's keep the repetition aligned
  const step = chunk.length - (chunk.length % pw.length);
  let done = 0;
  while (done < 1_048_576) {
    const n = Math.min(step, 1_048_576 - done);
    h.update(chunk.subarray(0, n));
    done += n;
  }
  return h.digest();
}

/** RFC 3414 A.2.2: Kul = H(Ku || engineID || Ku). Cheap; done per configured engine. */
export function localizeKey(auth: AuthProtocol, ku: Buffer, engineId: Buffer): Buffer {
  return createHash(AUTH_PROTOCOLS[auth].hash).update(ku).update(engineId).update(ku).digest();
}

/** The localized privacy key, extended as the protocol demands. */
export function privKey(auth: AuthProtocol, priv: PrivProtocol, privKu: Buffer, engineId: Buffer): Buffer {
  const spec = PRIV_PROTOCOLS[priv];
  let key = localizeKey(auth, privKu, engineId);
  const need = priv === 'des' ? 16 : spec.keyLength; // DES: key (8) + pre-IV (8), RFC 3414 §8.1.1.1
  if (spec.extend === 'blumenthal') {
    while (key.length < need) key = Buffer.concat([key, createHash(AUTH_PROTOCOLS[auth].hash).update(key).digest()]);
  } else if (spec.extend === 'reeder') {
    let last = key;
    while (key.length < need) {
      last = localizeKey(auth, passwordToKey(auth, last), engineId);
      key = Buffer.concat([key, last]);
    }
  }
  return key.subarray(0, need);
}

/** HMAC over the whole message with msgAuthenticationParameters zeroed (RFC 3414 §6.3.2, §7.3.2). */
export function computeMac(auth: AuthProtocol, key: Buffer, message: Buffer, authParamsOffset: number): Buffer {
  const { hash, macLength } = AUTH_PROTOCOLS[auth];
  const copy = Buffer.from(message);
  copy.fill(0, authParamsOffset, authParamsOffset + macLength);
  return createHmac(hash, key).update(copy).digest().subarray(0, macLength);
}

export function verifyMac(auth: AuthProtocol, key: Buffer, message: Buffer, authParams: Buffer, authParamsOffset: number): boolean {
  if (authParams.length !== AUTH_PROTOCOLS[auth].macLength) return false;
  return timingSafeEqual(computeMac(auth, key, message, authParamsOffset), authParams);
}

function aesIv(boots: number, time: number, salt: Buffer): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(boots >>> 0, 0);
  iv.writeUInt32BE(time >>> 0, 4);
  salt.copy(iv, 8, 0, 8);
  return iv;
}

/** RFC 3414 §8.3.2 (DES-CBC) / RFC 3826 §3.1.4 (AES-CFB). */
export function decryptScopedPdu(priv: PrivProtocol, key: Buffer, salt: Buffer, boots: number, time: number, data: Buffer): Buffer {
  if (salt.length !== 8) throw new SnmpWireError('auth', 'decryption-error', 'security', 'msgPrivacyParameters must be 8 octets');
  if (priv === 'des') {
    if (data.length % 8 !== 0 || data.length === 0) throw new SnmpWireError('auth', 'decryption-error', 'security', 'DES ciphertext is not a multiple of 8');
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = (key[8 + i] ?? 0) ^ (salt[i] ?? 0);
    return desCbc(true, key.subarray(0, 8), iv, data);
  }
  const d = createDecipheriv(PRIV_PROTOCOLS[priv].cipher, key, aesIv(boots, time, salt));
  return Buffer.concat([d.update(data), d.final()]);
}

let desSaltCounter = randomBytes(4).readUInt32BE(0);

export function encryptScopedPdu(priv: PrivProtocol, key: Buffer, boots: number, time: number, plain: Buffer): { data: Buffer; salt: Buffer } {
  if (priv === 'des') {
    const salt = Buffer.alloc(8);
    salt.writeUInt32BE(boots >>> 0, 0);
    salt.writeUInt32BE((desSaltCounter = (desSaltCounter + 1) >>> 0), 4);
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = (key[8 + i] ?? 0) ^ (salt[i] ?? 0);
    const padded = Buffer.alloc(Math.ceil(plain.length / 8) * 8);
    plain.copy(padded);
    return { data: desCbc(false, key.subarray(0, 8), iv, padded), salt };
  }
  const salt = randomBytes(8);
  const c = createCipheriv(PRIV_PROTOCOLS[priv].cipher, key, aesIv(boots, time, salt));
  return { data: Buffer.concat([c.update(plain), c.final()]), salt };
}
