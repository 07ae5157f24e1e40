/** Injection tokens of the inventory module (ADR 0001). Plain strings, importable anywhere. */
/** The validated `SondeConfig` (core + every section the process loaded). */
export const SONDE_CONFIG = 'SONDE_CONFIG';
/** `Inventory`: devices, source address → DeviceRef, credentials. */
export const SONDE_INVENTORY = 'SONDE_INVENTORY';
