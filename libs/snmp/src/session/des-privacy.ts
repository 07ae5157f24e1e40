import { randomBytes } from 'node:crypto';
import snmp from 'net-snmp';
import { desCbc, NATIVE_DES } from '../crypto/des-cbc';

/**
 * CBC-DES privacy (RFC 3414 §8) without OpenSSL's legacy provider. Node 24's OpenSSL 3 has no
 * `des-cbc` unless the process starts with `--openssl-legacy-provider`, and net-snmp calls
 * `crypto.createCipheriv('des-cbc')`, so every MD5/DES or SHA/DES poll would fail with
 * "digital envelope routines::unsupported". Old devices still only speak DES, so we swap
 * net-snmp's DES algorithm for the same steps over npm `des.js` (net-snmp's own bundled
 * lib/des.js does not match OpenSSL's output, measured, and is unused by net-snmp itself).
 * Installed once when a session pool is created; a no-op if native DES works.
 */
interface NetSnmpCrypto {
  Authentication: { passwordToKey(authProtocol: number, password: string, engineID: Buffer): Buffer };
  Encryption: { algorithms: Record<number, { encryptPdu: unknown; decryptPdu: unknown }> };
}

let installed = false;

export function installDesFallback(): void {
  if (installed) return;
  installed = true;
  if (NATIVE_DES) return;
  const run = desCbc;
  const lib = snmp as unknown as NetSnmpCrypto;
  const algo = lib.Encryption.algorithms[snmp.PrivProtocols.des];
  if (!algo) return;
  const keys = (password: string, authProtocol: number, engineID: Buffer): { key: Buffer; preIv: Buffer } => {
    const localized = lib.Authentication.passwordToKey(authProtocol, password, engineID);
    return { key: localized.subarray(0, 8), preIv: localized.subarray(8, 16) };
  };
  algo.encryptPdu = (scopedPdu: Buffer, _p: number, privPassword: string, authProtocol: number, engine: { engineID: Buffer; engineBoots?: number }) => {
    const { key, preIv } = keys(privPassword, authProtocol, engine.engineID);
    // salt = local engineBoots (4) | local integer (4), RFC 3414 §8.1.1.1
    const salt = Buffer.alloc(8);
    salt.writeUInt32BE(1, 0);
    randomBytes(4).copy(salt, 4);
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = (preIv[i] as number) ^ (salt[i] as number);
    const padded = Buffer.alloc(Math.ceil(scopedPdu.length / 8) * 8);
    scopedPdu.copy(padded);
    return { encryptedPdu: run('encrypt', key, iv, padded), msgPrivacyParameters: salt };
  };
  algo.decryptPdu = (encryptedPdu: Buffer, _p: number, privParameters: Buffer, privPassword: string, authProtocol: number, engine: { engineID: Buffer }) => {
    const { key, preIv } = keys(privPassword, authProtocol, engine.engineID);
    if (encryptedPdu.length % 8 !== 0 || privParameters.length !== 8) throw new Error('DES ciphertext or salt has a wrong length');
    const iv = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) iv[i] = (preIv[i] as number) ^ (privParameters[i] as number);
    return run('decrypt', key, iv, encryptedPdu);
  };
}
