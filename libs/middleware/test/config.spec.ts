import { requireEnv, requireIntEnv } from '../src';

describe('requireEnv', () => {
  afterEach(() => {
    delete process.env.SLICE_TEST_VALUE;
  });

  it('returns a set variable', () => {
    process.env.SLICE_TEST_VALUE = 'orders-dev';
    expect(requireEnv('SLICE_TEST_VALUE')).toBe('orders-dev');
  });

  it('fails naming a missing or blank variable', () => {
    expect(() => requireEnv('SLICE_TEST_VALUE')).toThrow(/Missing environment variable SLICE_TEST_VALUE/);
    process.env.SLICE_TEST_VALUE = '  ';
    expect(() => requireEnv('SLICE_TEST_VALUE')).toThrow(/SLICE_TEST_VALUE/);
  });

  it('reads whole numbers and refuses anything else', () => {
    process.env.SLICE_TEST_VALUE = '1500';
    expect(requireIntEnv('SLICE_TEST_VALUE')).toBe(1500);
    process.env.SLICE_TEST_VALUE = '1.5';
    expect(() => requireIntEnv('SLICE_TEST_VALUE')).toThrow(/whole number/);
  });
});
