/** `INSERT INTO `db`.`t` (`a`, `b`)`: the target and the columns of an insert, quoted. */
export function insertInto(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table.split('.').map(identifier).join('.')} (${columns.map(identifier).join(', ')})`;
}

/** A backquoted identifier: `` ` `` and `\` escaped with a backslash, as ClickHouse reads them. */
export const identifier = (name: string): string => `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;

/** A quoted string literal: `'` and `\` escaped with a backslash. */
export const stringLiteral = (v: string): string => `'${v.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** The folder, inside the chDB data folder, that holds insert bodies while the engine reads them (the store's and the HTTP interface's). */
export const INSERT_FILES = 'sonde-insert';
