import { findDuplicateKey } from './json-body';

describe('findDuplicateKey', () => {
  it.each([
    ['{"a":1,"b":2}', undefined],
    ['{"a":{"x":1},"b":{"x":2}}', undefined],
    ['[{"a":1},{"a":1}]', undefined],
    ['{"a":"a","b":"a"}', undefined],
    ['{"a":["a","a"],"b":"\\"a\\""}', undefined],
    ['"just a string"', undefined],
    ['{"a":1,"a":2}', { key: 'a', path: '' }],
    ['{"fields":{"Budget":1,"Status":"x","Budget":2}}', { key: 'Budget', path: 'fields' }],
    ['{"projects":{"DEMO":{"A":1},"OPS":{"B":1,"B":2}}}', { key: 'B', path: 'projects.OPS' }],
    ['{"list":[{"n":1},{"n":2,"n":3}]}', { key: 'n', path: 'list.1' }],
    ['{"a\\u0062":1,"ab":2}', { key: 'ab', path: '' }],
    ['{ "a" : { } , "a" : 2 }', { key: 'a', path: '' }],
  ])('%s -> %j', (text, expected) => {
    JSON.parse(text); // every case is valid JSON
    expect(findDuplicateKey(text)).toEqual(expected);
  });
});
