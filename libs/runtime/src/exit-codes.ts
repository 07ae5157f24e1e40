/**
 * Exit codes of every Sonde process (each service alone, `sonde up`), so a supervisor or a script
 * can tell a bad config from a port in use without reading the log.
 */
export const EXIT_CODES = {
  /** Something unexpected; the log has the stack. */
  failure: 1,
  /** The config file or SONDE_* variables are invalid (every problem printed). */
  config: 2,
  /** A configured socket could not be opened (ListenError: port in use, permission, address). */
  cannotListen: 3,
} as const;
