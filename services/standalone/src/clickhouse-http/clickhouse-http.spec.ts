import fc from 'fast-check';
import { ClickHouseHttpError, fromEngineMessage } from './clickhouse-http-error';
import { effectiveFormat, parseClickHouseQuery, type HttpExchange } from './clickhouse-http-request';
import { clickhouseHttpConfigSchema } from './clickhouse-http.config';
import { NativeFormatError, nativeForRevision } from './native-revision';
import { parseType, splitArgs, tupleElementType } from './native-type';

const exchange = (search: string, extra: Partial<HttpExchange> = {}): HttpExchange => ({
  method: 'POST', path: '/', search: new URLSearchParams(search), headers: {}, body: Buffer.alloc(0), ...extra,
});

describe('parseClickHouseQuery', () => {
  it('joins the query parameter and a body of more SQL with a newline', () => {
    const q = parseClickHouseQuery(exchange('query=SELECT%201%20%2B', { body: Buffer.from('2') }));
    expect(q.sql).toBe('SELECT 1 +\n2');
  });

  it('reads credentials from Basic auth (a password may hold ":"), X-ClickHouse-User/Key and parameters', () => {
    const basic = Buffer.from('grafana:a:b').toString('base64');
    expect(parseClickHouseQuery(exchange('query=1', { headers: { authorization: `Basic ${basic}` } }))).toMatchObject({ user: 'grafana', password: 'a:b' });
    expect(parseClickHouseQuery(exchange('query=1', { headers: { 'x-clickhouse-user': 'u', 'x-clickhouse-key': 'k' } }))).toMatchObject({ user: 'u', password: 'k' });
    expect(parseClickHouseQuery(exchange('query=1&user=p&password=q'))).toMatchObject({ user: 'p', password: 'q' });
  });

  it('splits HTTP parameters, query parameters and allow-listed settings; refuses the rest', () => {
    const q = parseClickHouseQuery(exchange('query=1&default_format=Native&client_protocol_version=54460&param_x=5&max_threads=2&output_format_json_quote_64bit_integers=0'));
    expect(q).toMatchObject({ defaultFormat: 'Native', clientProtocolVersion: 54460, params: { x: '5' }, settings: { max_threads: '2', output_format_json_quote_64bit_integers: '0' } });
    expect(() => parseClickHouseQuery(exchange('query=1&max_server_memory_usage=1'))).toThrow(/allow-list/);
    expect(parseClickHouseQuery(exchange('query=1&compress=1')).blockCompression).toEqual({ method: 'LZ4', zstdLevel: undefined });
    expect(parseClickHouseQuery(exchange('query=1&compress=1&decompress=1&network_compression_method=ZSTD&network_zstd_compression_level=7'))).toMatchObject({ blockCompression: { method: 'ZSTD', zstdLevel: 7 }, settings: {} });
    expect(parseClickHouseQuery(exchange('query=1')).blockCompression).toBeUndefined();
    expect(() => parseClickHouseQuery(exchange('query=1&compress=1&network_compression_method=QPL'))).toThrow(/Unknown network_compression_method/);
    expect(() => parseClickHouseQuery(exchange('query=1&compress=1&network_zstd_compression_level=99'))).toThrow(/1 to 22/);
    expect(() => parseClickHouseQuery(exchange(''))).toThrow(/Empty query/);
  });

  it('never throws anything but a ClickHouseHttpError on any parameters and body', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string())), fc.uint8Array(), fc.constantFrom('GET', 'POST'), (pairs, body, method) => {
        try {
          parseClickHouseQuery({ method, path: '/', search: new URLSearchParams(pairs), headers: {}, body: Buffer.from(body) });
        } catch (err) {
          expect(err).toBeInstanceOf(ClickHouseHttpError);
        }
      }),
    );
  });
});

describe('INSERT bodies', () => {
  it('hands the rows after an INSERT … FORMAT X in the URL over as they are, any bytes, any format', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.constantFrom('Native', 'native', 'RowBinaryWithNamesAndTypes', 'JSONCompactEachRowWithNames', 'CSV'),
        fc.constantFrom('INSERT INTO db.t FORMAT', 'insert into t (a, b) SETTINGS async_insert = 0 FORMAT', '  INSERT INTO `d`.`t`\n(`a`)\nFORMAT'),
        (rows, format, prefix) => {
          const query = `${prefix} ${format}`;
          const q = parseClickHouseQuery(exchange(new URLSearchParams({ query }).toString(), { body: Buffer.from(rows) }));
          expect(q.sql).toBe(query);
          expect(q.data).toEqual(Buffer.from(rows));
        },
      ),
    );
  });

  it('joins the body to any other query as more SQL text, as ClickHouse does', () => {
    const select = parseClickHouseQuery(exchange('query=SELECT', { body: Buffer.from(' 1') }));
    expect(select).toMatchObject({ sql: 'SELECT\n 1' });
    expect(select.data).toBeUndefined();
    // the whole INSERT in the body, rows included: one text, as before
    const inBody = parseClickHouseQuery(exchange('', { body: Buffer.from('INSERT INTO t FORMAT CSV\n1,2') }));
    expect(inBody).toMatchObject({ sql: 'INSERT INTO t FORMAT CSV\n1,2' });
    expect(inBody.data).toBeUndefined();
  });
});

describe('effectiveFormat', () => {
  it('takes a trailing FORMAT of a read query, else the default', () => {
    expect(effectiveFormat('SELECT 1 FORMAT JSONEachRow', 'Native')).toBe('JSONEachRow');
    expect(effectiveFormat('SELECT 1;', 'Native')).toBe('Native');
    expect(effectiveFormat('INSERT INTO t FORMAT CSV\n1', 'TabSeparated')).toBe('TabSeparated');
  });
});

describe('fromEngineMessage', () => {
  it("reads chDB's (sometimes doubled) Code: N. DB::Exception text", () => {
    const e = fromEngineMessage("Code: 115. DB::Exception: Code: 115. DB::Exception: Unknown setting 'x'. (UNKNOWN_SETTING) (version 26.7.2.1). (UNKNOWN_SETTING)");
    expect([e.serverCode, e.codeName, e.message, e.status]).toEqual([115, 'UNKNOWN_SETTING', "Unknown setting 'x'", 400]);
    expect(e.body('26.7')).toBe("Code: 115. DB::Exception: Unknown setting 'x'. (UNKNOWN_SETTING) (version 26.7)\n");
    expect(fromEngineMessage('socket hang up')).toMatchObject({ serverCode: 1001, codeName: 'STD_EXCEPTION' });
  });
});

describe('ClickHouse type names', () => {
  it('splits arguments at the top level only, keeping quotes and nesting', () => {
    expect(parseType("Map(LowCardinality(String), Tuple(a DateTime64(3, 'UTC'), b Enum8('x,)' = 1)))")).toEqual({
      name: 'Map',
      args: ['LowCardinality(String)', "Tuple(a DateTime64(3, 'UTC'), b Enum8('x,)' = 1))"],
    });
    expect(tupleElementType("a DateTime64(3, 'UTC')")).toBe("DateTime64(3, 'UTC')");
    expect(tupleElementType('`a b` String')).toBe('String');
    expect(tupleElementType('Nullable(String)')).toBe('Nullable(String)');
  });

  it('round-trips any list of nested type names', () => {
    const leaf = fc.constantFrom('String', 'UInt8', "DateTime64(3, 'UTC')", "Enum8('a,b' = 1)", 'Nullable(Float64)');
    const type = fc.letrec<{ t: string }>((tie) => ({
      t: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('t'), { minLength: 1, maxLength: 3 }).map((a) => `Tuple(${a.join(', ')})`)),
    })).t;
    fc.assert(fc.property(fc.array(type, { minLength: 1, maxLength: 4 }), (types) => expect(splitArgs(types.join(', '))).toEqual(types)));
  });
});

describe('nativeForRevision', () => {
  // SELECT 1 AS x in Native at revision 0, as chDB writes it: 1 column, 1 row, "x", "UInt8", 0x01
  const selectOne = Buffer.from('010101780555496e743801', 'hex');

  it('adds BlockInfo and the no-custom-serialization byte a revision ≥ 54454 client expects', () => {
    expect(nativeForRevision(selectOne, 54460).toString('hex')).toBe('0100' + '02ffffffff' + '00' + '0101' + '0178' + '055549' + '6e7438' + '00' + '01');
    expect(nativeForRevision(selectOne, 0).toString('hex')).toBe(selectOne.toString('hex'));
  });

  it('fails with NativeFormatError, never anything else, on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          nativeForRevision(bytes, 54460);
        } catch (err) {
          expect(err).toBeInstanceOf(NativeFormatError);
        }
      }),
    );
  });
});

describe('clickhouseHttp config', () => {
  it('needs a credential beyond loopback, and names the path', () => {
    expect(clickhouseHttpConfigSchema.safeParse({ host: '0.0.0.0' }).error?.issues[0]?.path).toEqual(['credential']);
    expect(clickhouseHttpConfigSchema.parse({ host: '0.0.0.0', credential: 'grafana' }).port).toBe(8123);
    expect(clickhouseHttpConfigSchema.parse({}).host).toBe('127.0.0.1');
    expect(clickhouseHttpConfigSchema.safeParse({ prot: 1 }).success).toBe(false);
  });
});
