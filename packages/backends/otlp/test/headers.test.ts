import { describe, expect, it } from 'vitest';
import { mergeHeaders, parseOtlpHeaders } from '../src/headers.js';

describe('parseOtlpHeaders', () => {
  it('splits on commas and on the first "=" only, keeping "=" and ";" inside values', () => {
    expect(parseOtlpHeaders('api-key=abc==,x-opts=a=1;b=2').headers).toEqual({ 'api-key': 'abc==', 'x-opts': 'a=1;b=2' });
  });

  it('trims around names and values and skips empty entries', () => {
    expect(parseOtlpHeaders(' a = 1 ,, b=2 ,').headers).toEqual({ a: '1', b: '2' });
  });

  it('decodes percent-encoding in names and values', () => {
    expect(parseOtlpHeaders('x%2Dname=a%20b%2Cc%3Dd').headers).toEqual({ 'x-name': 'a b,c=d' });
  });

  it('reports an entry with an empty name by position', () => {
    expect(parseOtlpHeaders('=value').problems).toEqual(['entry 1 has an empty name and was ignored']);
  });

  it('reads nothing from an unset variable', () => {
    expect(parseOtlpHeaders(undefined)).toEqual({ headers: {}, problems: [] });
  });
});

describe('mergeHeaders', () => {
  it('lets later sets win and keeps the first spelling of a name', () => {
    expect(mergeHeaders({ 'X-Tenant': 'a', keep: 'k' }, { 'x-tenant': 'b' }, { 'X-TENANT': 'c' })).toEqual({
      'X-Tenant': 'c',
      keep: 'k',
    });
  });
});
