import { execFileSync } from 'node:child_process';
import { loadOidDictionary, SHIPPED_MIB_DIRS } from '../src/mib/mib-loader';

// Compares the dictionary with Debian's net-snmp `snmptranslate` (scripts/peers.sh install snmp)
// reading the very same MIB files. Run: SONDE_TEST_SERVICES=none node node_modules/jest/bin/jest.js libs/snmp/test
const { dictionary } = loadOidDictionary();

// net-snmp lets the module loaded last win an OID defined twice, so `-m ALL` names IF-MIB's
// objects after RFC1213-MIB; the dictionary prefers SMIv2 modules (mib-compiler.ts), as
// net-snmp's default MIB list does (it does not load RFC1213-MIB). Load that list here.
// Modules from mibs/compiled/ (pysnmp exports) have no MIB text for snmptranslate to read.
const TEXT_MODULES = new Set(dictionary.modules().filter((m) => !dictionary.json.modules[m]?.endsWith('.json')));
const MODULES = [...TEXT_MODULES].filter((m) => m !== 'RFC1213-MIB').join(':');

function snmptranslate(flags: string[], args: string[]): string[] {
  const out = execFileSync('snmptranslate', ['-M', SHIPPED_MIB_DIRS.join(':'), '-m', MODULES, ...flags, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, MIBDIRS: '', SNMPCONFPATH: '/nonexistent' },
  });
  return out.split('\n').filter((l) => l.trim() !== '');
}

describe('OID dictionary vs snmptranslate', () => {
  const nodes = [...dictionary.nodes()].filter((n) => TEXT_MODULES.has(n.module));

  it('every name resolves to the numeric OID snmptranslate gives', () => {
    const names = nodes.map((n) => `${n.module}::${n.name}`);
    const theirs = snmptranslate(['-On'], names);
    expect(theirs).toHaveLength(names.length);
    const diffs = names.filter((name, i) => `.${dictionary.resolve(name)}` !== theirs[i]);
    expect(diffs).toEqual([]);
  });

  it('every numeric OID translates to the name snmptranslate gives', () => {
    const oids = nodes.map((n) => n.oid);
    const theirs = snmptranslate([], oids);
    const diffs = oids
      .map((oid, i) => [oid, dictionary.translate(oid).name, theirs[i]] as const)
      .filter(([, ours, their]) => ours !== their);
    expect(diffs).toEqual([]);
  });

  const instances = [
    '1.3.6.1.2.1.2.2.1.10.3', // IF-MIB::ifInOctets.3
    '1.3.6.1.2.1.2.2.1.8.1001',
    '1.3.6.1.2.1.31.1.1.1.6.12', // ifHCInOctets (AUGMENTS ifEntry)
    '1.3.6.1.2.1.1.3.0',
    '1.3.6.1.4.1.8072.1.3.2.2.1.2.4.116.101.115.116', // nsExtendCommand."test"
    '1.3.6.1.4.1.8072.1.3.2.3.1.2.4.116.101.115.116', // nsExtendOutput1Line."test"
    '1.3.6.1.4.1.8072.1.3.2.4.1.2.4.116.101.115.116.1', // nsExtendOutLine."test".1
    '1.3.6.1.4.1.2021.4.5.0',
    '1.3.6.1.6.3.1.1.5.3',
    '1.3.6.1.6.3.1.1.4.1.0',
  ];

  it.each(instances)('translates instance %s like snmptranslate, and back', (oid) => {
    const [theirs] = snmptranslate([], [oid]);
    const ours = dictionary.translate(oid).name;
    expect(ours).toBe(theirs);
    expect(dictionary.resolve(ours)).toBe(oid);
    const [back] = snmptranslate(['-On'], [ours]);
    expect(back).toBe(`.${oid}`);
  });
});
