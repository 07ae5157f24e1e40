import { insertFromFile } from './chdb-connection';

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
