import { SondeError } from '@sonde/events/sonde-error';
import { classifyFailure, redactUrl, serverErrorCode, StoreError } from './store-error';

const err = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra);

describe('classifyFailure', () => {
  it.each([
    // 18.16 text (the client does not parse it into .code)
    ['18.16 wrong password', err('Code: 193, e.displayText() = DB::Exception: Wrong password for user sonde, e.what() = DB::Exception'), 'auth', false],
    ['18.16 unknown table', err("Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist., e.what() = DB::Exception"), 'not-found', false],
    ['18.16 unknown database', err("Code: 81, e.displayText() = DB::Exception: Database nodb doesn't exist"), 'not-found', false],
    ['18.16 unknown setting', err('Code: 115, e.displayText() = DB::Exception: Unknown setting async_insert'), 'malformed', false],
    // modern servers and chDB: parsed code
    ['26.x authentication failed', err('default: Authentication failed', { code: '516', type: 'AUTHENTICATION_FAILED' }), 'auth', false],
    ['26.x syntax error', err('Syntax error', { code: '62', type: 'SYNTAX_ERROR' }), 'malformed', false],
    ['too many parts', err('Too many parts', { code: '252' }), 'unavailable', true],
    ['memory limit', err('Memory limit (total) exceeded', { code: '241' }), 'unavailable', true],
    // the wire
    ['connection refused', err('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'unavailable', true],
    ['reset', err('read ECONNRESET', { code: 'ECONNRESET' }), 'unavailable', true],
    ['client timeout', err('Timeout error.'), 'unavailable', true],
    ['socket hang up', err('socket hang up'), 'unavailable', true],
    ['anything else', new TypeError('Do not know how to serialize a BigInt'), 'malformed', false],
  ])('%s → %s', (_name, error, code, transient) => {
    expect(classifyFailure(error)).toMatchObject({ code, transient });
  });

  it('reads the server code from either form', () => {
    expect(serverErrorCode(err('x', { code: '60' }))).toBe(60);
    expect(serverErrorCode(err('Code: 60. DB::Exception: Unknown table'))).toBe(60);
    expect(serverErrorCode(err('connect ECONNREFUSED', { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('is a SondeError with its code and context', () => {
    const e = new StoreError('auth', 'nope', { table: 'snmp_metric' });
    expect(e).toBeInstanceOf(SondeError);
    expect(e).toMatchObject({ name: 'StoreError', code: 'auth', context: { table: 'snmp_metric' } });
  });

  it('never puts credentials of a URL into context', () => {
    expect(redactUrl('http://sonde:s3cret@ch.example:8123/?password=x')).toBe('http://ch.example:8123');
    expect(redactUrl('not a url')).toBe('<invalid url>');
  });
});
