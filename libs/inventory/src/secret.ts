import { inspect } from 'node:util';

export const REDACTED = '[redacted]';

/**
 * A secret resolved from env, a file or the config (community, USM key, token, password).
 * Prints as `[redacted]` everywhere — String(), template literals, JSON.stringify (hence pino),
 * util.inspect / console.log — so a secret cannot reach a log by accident. Call `reveal()` only
 * at the point of use (the SNMP session, the HTTP header).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }
}
