import { describeError, errorLeaves } from './describe-error';

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

describe('errorLeaves', () => {
  it('walks errors, then cause and originalError, down to the leaves; a node isLeaf accepts stays whole', () => {
    const leafA = new Error('a');
    const protocol = Object.assign(new Error('TOPIC_ALREADY_EXISTS'), { code: 'PLT_KFK_PROTOCOL', cause: new Error('under the protocol error') });
    const tree = new AggregateError([new Error('wrapped', { cause: leafA }), protocol], 'top');
    expect(errorLeaves(tree)).toEqual([leafA, protocol.cause]);
    expect(errorLeaves(tree, (e) => (e as { code?: string }).code === 'PLT_KFK_PROTOCOL')).toEqual([leafA, protocol]);
    const kafkajs = Object.assign(new Error('KafkaJSNumberOfRetriesExceeded'), { originalError: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    expect(describeError(kafkajs)).toBe('KafkaJSNumberOfRetriesExceeded: connect ECONNREFUSED 127.0.0.1:9');
    expect(errorLeaves(null)).toEqual([]);
    const loop = new Error('loop') as Error & { cause?: unknown };
    loop.cause = loop;
    expect(errorLeaves(loop)).toEqual([]);
  });
});
