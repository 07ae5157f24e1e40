/** Injection token of the state module (ADR 0001): the `StateStore` chosen by `state.type`. */
export const STATE_STORE = 'STATE_STORE';
