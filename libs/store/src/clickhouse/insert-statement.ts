/** `INSERT INTO `db`.`t` (`a`, `b`)`: the target and the columns of an insert, quoted. */
export function insertInto(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table.split('.').map(identifier).join('.')} (${columns.map(identifier).join(', ')})`;
}

/** A backquoted identifier: `` ` `` and `\` escaped with a backslash, as ClickHouse reads them. */
export const identifier = (name: string): string => `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
