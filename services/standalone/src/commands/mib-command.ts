import { loadOidDictionary } from '@sonde/snmp/mib/mib-loader';
import { formatMibRows, mibLookup, mibSearch } from '@sonde/snmp/mib/mib-cli';
import { SondeError } from '@sonde/events/sonde-error';

export interface MibOptions {
  mibs?: string[];
}

function dictionary(options: MibOptions) {
  const { dictionary, warnings } = loadOidDictionary(options.mibs ?? []);
  for (const w of warnings) process.stderr.write(`sonde mib: warning: ${w}\n`);
  return dictionary;
}

/** `sonde mib lookup <oid|name>`: `1.3.6.1.2.1.2.2.1.10.3` ↔ `IF-MIB::ifInOctets.3`. */
export async function runMibLookup(query: string, options: MibOptions): Promise<number> {
  try {
    process.stdout.write(`${formatMibRows(mibLookup(dictionary(options), query))}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof SondeError)) throw err;
    process.stderr.write(`sonde mib lookup: ${err.message}\n`);
    return 1;
  }
}

/** `sonde mib search <text>`: every object whose name contains the text. */
export async function runMibSearch(text: string, options: MibOptions): Promise<number> {
  const rows = mibSearch(dictionary(options), text);
  if (rows.length === 0) {
    process.stderr.write(`sonde mib search: nothing named like "${text}"\n`);
    return 1;
  }
  process.stdout.write(`${formatMibRows(rows)}\n`);
  return 0;
}
