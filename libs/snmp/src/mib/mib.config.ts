import { z } from 'zod';

/**
 * The `mib:` config section: extra vendor MIB folders compiled into the OID dictionary at boot,
 * on top of the shipped standard modules (libs/snmp/mibs).
 */
export const mibConfigSchema = z
  .object({
    folders: z.array(z.string().min(1)).default([]),
  })
  .default({ folders: [] });
export type MibConfig = z.infer<typeof mibConfigSchema>;
