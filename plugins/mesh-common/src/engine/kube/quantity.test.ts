import { formatQuantity, parseQuantity } from './quantity';

describe('parseQuantity', () => {
  it.each<[unknown, number]>([
    ['500m', 0.5],
    ['128Mi', 128 * 1024 * 1024],
    ['1Gi', 2 ** 30],
    ['2k', 2000],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['25E-2', 0.25],
    ['1E', 1e18],
    ['250u', 0.00025],
    ['+3', 3],
    ['-2', -2],
    [' 100m ', 0.1],
    [42, 42],
  ])('reads %j as %d', (input, expected) => {
    expect(parseQuantity(input)).toBeCloseTo(expected, 12);
  });

  it.each<unknown>([
    '128MB',
    '128mi',
    '100 m',
    '1.2.3',
    '12 apples',
    '3Qx',
    '',
    'm',
    undefined,
    null,
    Number.NaN,
    Infinity,
    {},
  ])('rejects %j', input => {
    expect(parseQuantity(input)).toBeUndefined();
  });
});

describe('formatQuantity', () => {
  it.each([
    [3, '3'],
    [0, '0'],
    [0.25, '250m'],
    [1.5, '1500m'],
    [0.0004, '0m'],
  ])('writes %d as %s', (value, expected) => {
    expect(formatQuantity(value)).toBe(expected);
  });

  it('round-trips what it writes', () => {
    for (const v of [0.25, 1.5, 7, 0.001]) {
      expect(parseQuantity(formatQuantity(v))).toBeCloseTo(v, 12);
    }
  });
});
