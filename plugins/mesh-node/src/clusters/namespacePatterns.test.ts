import { namespaceMatches } from './namespacePatterns';

describe('namespaceMatches', () => {
  it.each([
    ['shop', 'shop', true],
    ['shop', 'shops', false],
    ['*', 'anything', true],
    ['team-*', 'team-a', true],
    ['team-*', 'team-', true],
    ['team-*', 'teams', false],
    ['*-prod', 'checkout-prod', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
  ])('%s matches %s: %s', (pattern, namespace, expected) => {
    expect(namespaceMatches(pattern, namespace)).toBe(expected);
  });
});
