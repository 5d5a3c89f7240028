import { describe, expect, it } from 'vitest';
import { displayUrl, listHeaderNames, redactHeaderValues } from '../src/redact.js';

describe('displayUrl', () => {
  it('masks user info and query values, which can hold credentials', () => {
    expect(displayUrl('https://user:pass@collector:4318/v1/traces?api_key=secret&x=1')).toBe(
      'https://[REDACTED]@collector:4318/v1/traces?api_key=[REDACTED]&x=[REDACTED]',
    );
    expect(displayUrl('user:pass@collector:4317')).toBe('[REDACTED]@collector:4317');
  });

  it('leaves an ordinary endpoint alone', () => {
    expect(displayUrl('http://127.0.0.1:4317')).toBe('http://127.0.0.1:4317');
  });
});

describe('redactHeaderValues', () => {
  it('removes whole values and the long tokens inside them', () => {
    const headers = { authorization: 'Bearer tok-123456789', 'x-api-key': 'k3y-value' };
    expect(redactHeaderValues('got Bearer tok-123456789 and tok-123456789 and k3y-value', headers)).toBe(
      'got [REDACTED] and [REDACTED] and [REDACTED]',
    );
  });

  it('leaves short values, which would match ordinary words', () => {
    expect(redactHeaderValues('a tenant b', { 'x-t': 'b' })).toBe('a tenant b');
  });
});

describe('listHeaderNames', () => {
  it('names the headers and hides their values', () => {
    expect(listHeaderNames({ authorization: 'Bearer x', 'x-tenant': 'acme' })).toBe(
      'authorization=[REDACTED], x-tenant=[REDACTED]',
    );
  });
});
