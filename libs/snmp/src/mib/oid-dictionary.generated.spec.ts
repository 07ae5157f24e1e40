import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateStandardDictionary, serializeDictionary, STANDARD_DICTIONARY_FILE } from './mib-loader';

// Style rule 10: the committed dictionary is regenerated from libs/snmp/mibs and diffed.
// Refresh it with: SONDE_UPDATE_GENERATED=1 SONDE_TEST_UNIT_ONLY=1 node node_modules/jest/bin/jest.js libs/snmp/src/mib/oid-dictionary.generated
describe('committed OID dictionary', () => {
  it('equals what the generator makes of libs/snmp/mibs', () => {
    const { dictionary } = generateStandardDictionary();
    const text = serializeDictionary(dictionary);
    if (process.env.SONDE_UPDATE_GENERATED === '1' || !existsSync(STANDARD_DICTIONARY_FILE)) {
      writeFileSync(STANDARD_DICTIONARY_FILE, text);
    }
    expect(readFileSync(STANDARD_DICTIONARY_FILE, 'utf8')).toBe(text);
  });
});
