import fc from 'fast-check';
import { compileMibs } from './mib-compiler';
import { MibError } from './mib-error';
import { parseMib } from './mib-parser';

const VENDOR = `
ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, NOTIFICATION-TYPE, enterprises, Integer32 FROM SNMPv2-SMI
        TEXTUAL-CONVENTION, DisplayString FROM SNMPv2-TC;
acme MODULE-IDENTITY LAST-UPDATED "202601010000Z" ORGANIZATION "Acme" CONTACT-INFO "x"
  DESCRIPTION "a -- not a comment" ::= { enterprises 99999 }
AcmeState ::= TEXTUAL-CONVENTION DISPLAY-HINT "d" STATUS current DESCRIPTION "s"
  SYNTAX INTEGER { ok(1), broken(2) }  -- trailing comment
acmeTable OBJECT-TYPE SYNTAX SEQUENCE OF AcmeEntry MAX-ACCESS not-accessible STATUS current
  DESCRIPTION "t" ::= { acme 1 }
acmeEntry OBJECT-TYPE SYNTAX AcmeEntry MAX-ACCESS not-accessible STATUS current DESCRIPTION "e"
  INDEX { acmeName, IMPLIED acmeKey } ::= { acmeTable 1 }
AcmeEntry ::= SEQUENCE { acmeName DisplayString, acmeKey OCTET STRING, acmeState AcmeState }
acmeName OBJECT-TYPE SYNTAX DisplayString (SIZE (0..32)) MAX-ACCESS not-accessible STATUS current
  DESCRIPTION "n" ::= { acmeEntry 1 }
acmeKey OBJECT-TYPE SYNTAX OCTET STRING MAX-ACCESS not-accessible STATUS current DESCRIPTION "k" ::= { acmeEntry 2 }
acmeState OBJECT-TYPE SYNTAX AcmeState MAX-ACCESS read-only STATUS current DESCRIPTION "s"
  DEFVAL { ok } ::= { acmeEntry 3 }
acmeAlarm NOTIFICATION-TYPE OBJECTS { acmeState } STATUS current DESCRIPTION "a" ::= { acme 0 1 }
END
`;
const SMI = `SNMPv2-SMI DEFINITIONS ::= BEGIN
org OBJECT IDENTIFIER ::= { iso 3 }  dod OBJECT IDENTIFIER ::= { org 6 }
internet OBJECT IDENTIFIER ::= { dod 1 } private OBJECT IDENTIFIER ::= { internet 4 }
enterprises OBJECT IDENTIFIER ::= { private 1 }
Integer32 ::= INTEGER (-2147483648..2147483647)
END
SNMPv2-TC DEFINITIONS ::= BEGIN
DisplayString ::= TEXTUAL-CONVENTION DISPLAY-HINT "255a" STATUS current DESCRIPTION "" SYNTAX OCTET STRING (SIZE (0..255))
END`;

describe('MIB parser and compiler', () => {
  it('resolves a vendor module: tables, IMPLIED index, TC enums and hints, notifications', () => {
    const { dictionary, warnings } = compileMibs([...parseMib(SMI), ...parseMib(VENDOR)]);
    expect(warnings).toEqual([]);
    const by = new Map(dictionary.nodes.map((n) => [n.n, n]));
    expect(by.get('acme')?.o).toBe('1.3.6.1.4.1.99999');
    expect(by.get('acmeEntry')).toMatchObject({ k: 'row', x: [['1.3.6.1.4.1.99999.1.1.1', false], ['1.3.6.1.4.1.99999.1.1.2', true]] });
    expect(by.get('acmeState')).toMatchObject({ k: 'column', t: 'INTEGER', tc: 'AcmeState', h: 'd', e: [[1, 'ok'], [2, 'broken']] });
    expect(by.get('acmeName')).toMatchObject({ t: 'OCTET STRING', tc: 'DisplayString', h: '255a' });
    expect(by.get('acmeAlarm')).toMatchObject({ o: '1.3.6.1.4.1.99999.0.1', k: 'notification', v: ['1.3.6.1.4.1.99999.1.1.3'] });
  });

  it('v1 TRAP-TYPE becomes enterprise.0.specific (RFC 3584 §3.1)', () => {
    const v1 = `OLD-MIB DEFINITIONS ::= BEGIN
      IMPORTS enterprises FROM RFC1155-SMI TRAP-TYPE FROM RFC-1215;
      old OBJECT IDENTIFIER ::= { enterprises 4242 }
      oldTrap TRAP-TYPE ENTERPRISE old VARIABLES { old } DESCRIPTION "x" ::= 7
    END`;
    const { dictionary } = compileMibs([...parseMib(SMI), ...parseMib(v1)]);
    expect(dictionary.nodes.find((n) => n.n === 'oldTrap')?.o).toBe('1.3.6.1.4.1.4242.0.7');
  });

  it('names the file of text with no module', () => {
    expect(() => parseMib('hello world', 'x.txt')).toThrow(new MibError('malformed', 'no MIB module (NAME DEFINITIONS ::= BEGIN) in x.txt'));
  });

  it('never throws anything but MibError on arbitrary text, and compiles what it parsed', () => {
    const pieces = fc.constantFrom('X', 'DEFINITIONS', '::=', 'BEGIN', 'END', '{', '}', '(', ')', 'OBJECT', 'IDENTIFIER',
      'OBJECT-TYPE', 'SYNTAX', 'INTEGER', 'INDEX', 'IMPLIED', 'SEQUENCE', 'OF', 'TEXTUAL-CONVENTION', 'IMPORTS', 'FROM', ';',
      '"', '--', '1', 'a(1)', 'iso', ',', 'MACRO', 'TRAP-TYPE', 'ENTERPRISE', "'0A'H", '\n');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.array(pieces, { maxLength: 200 }).map((a) => a.join(' '))), (text) => {
        try {
          compileMibs(parseMib(`M DEFINITIONS ::= BEGIN ${text}`));
          parseMib(text);
        } catch (err) {
          if (!(err instanceof MibError)) throw err;
        }
      }),
      { numRuns: 5000 },
    );
  });
});
