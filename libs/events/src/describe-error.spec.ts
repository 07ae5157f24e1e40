import { describeError } from './describe-error';

describe('describeError', () => {
  it('names the root causes under an AggregateError and a cause chain, each once', () => {
    const refused = (port: number) => Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`), { code: 'ECONNREFUSED' });
    // as @platformatic/kafka reports a broker nobody listens on
    const err = new AggregateError([new Error('Connection to 127.0.0.1:9 failed.', { cause: refused(9) }), new Error('Connection to 127.0.0.1:9 failed.', { cause: refused(9) })], 'Listing topics failed.');
    expect(describeError(err)).toBe('AggregateError: Listing topics failed. connect ECONNREFUSED 127.0.0.1:9');
    expect(describeError(new Error('send failed', { cause: refused(10) }))).toBe('send failed: connect ECONNREFUSED 127.0.0.1:10');
    expect(describeError(new Error('plain'))).toBe('plain');
    expect(describeError('text')).toBe('text');
    const many = new AggregateError([1, 2, 3, 4, 5].map(refused), 'all failed');
    expect(describeError(many)).toBe('AggregateError: all failed: connect ECONNREFUSED 127.0.0.1:1; connect ECONNREFUSED 127.0.0.1:2; connect ECONNREFUSED 127.0.0.1:3 (+2 more)');
  });
});
