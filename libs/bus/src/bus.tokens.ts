/** Injection tokens of the bus module (ADR 0001). Plain strings, importable anywhere. */
/** The `EventBus` (adapter chosen by `bus.type`). */
export const EVENT_BUS = 'EVENT_BUS';
/** The parsed `BusConfig`. */
export const BUS_CONFIG = 'BUS_CONFIG';
