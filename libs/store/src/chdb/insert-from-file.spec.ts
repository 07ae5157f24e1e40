import { insertFromFile } from './chdb-connection';
import { infileInsertSql } from './chdb-sql-engine';

describe('insertFromFile', () => {
  it('quotes the table, the columns, the file and string settings; numbers and booleans stay bare', () => {
    expect(insertFromFile('db.snmp_metric', ['id', 'varbinds.oid', 'a`b'], "/data/it's\\here.Native", 'Native', { insert_deduplicate: 1, async_insert: false, insert_deduplication_token: "t/'x'" })).toBe(
      "INSERT INTO `db`.`snmp_metric` (`id`, `varbinds.oid`, `a\\`b`) FROM INFILE '/data/it\\'s\\\\here.Native' SETTINGS `insert_deduplicate` = 1, `async_insert` = 0, `insert_deduplication_token` = 't/\\'x\\'' FORMAT Native",
    );
  });

  it('leaves the SETTINGS clause out when there are none', () => {
    expect(insertFromFile('t', ['a'], '/f', 'JSONCompactEachRow', {})).toBe("INSERT INTO `t` (`a`) FROM INFILE '/f' FORMAT JSONCompactEachRow");
  });
});

describe('infileInsertSql (HTTP inserts)', () => {
  it('puts FROM INFILE after the target and before SETTINGS, as ClickHouse orders the clauses', () => {
    expect(infileInsertSql('INSERT INTO db.t (a, b) FORMAT Native', "/d/it's")).toBe("INSERT INTO db.t (a, b) FROM INFILE '/d/it\\'s' FORMAT Native");
    expect(infileInsertSql('insert into t settings async_insert = 0, x = \'y\' format JSONEachRow;', '/f')).toBe("insert into t FROM INFILE '/f' settings async_insert = 0, x = 'y' FORMAT JSONEachRow");
    expect(infileInsertSql('  INSERT INTO `d`.`t`\n(`a`)\nFORMAT RowBinary  ', '/f')).toBe("INSERT INTO `d`.`t`\n(`a`) FROM INFILE '/f' FORMAT RowBinary");
  });

  it('refuses data after anything but INSERT … FORMAT X', () => {
    for (const sql of ['SELECT 1', 'INSERT INTO t VALUES (1)', 'INSERT INTO t SELECT 1 FORMAT Native', "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT LineAsString", 'INSERT INTO t FORMAT']) {
      expect(() => infileInsertSql(sql, '/f')).toThrow(/SYNTAX_ERROR/);
    }
  });
});
