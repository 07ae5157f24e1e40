import { desCbc } from './des-cbc';

describe('desCbc', () => {
  it('matches the FIPS 81 CBC test vector ("Now is the time for all ")', () => {
    const key = Buffer.from('0123456789abcdef', 'hex');
    const iv = Buffer.from('1234567890abcdef', 'hex');
    const plain = Buffer.from('4e6f77206973207468652074696d6520666f7220616c6c20', 'hex');
    const cipher = desCbc('encrypt', key, iv, plain);
    expect(cipher.toString('hex')).toBe('e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    expect(desCbc('decrypt', key, iv, cipher)).toEqual(plain);
  });
});
