import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('README', () => {
  it('shows the typechecked example verbatim', () => {
    expect(read('../README.md')).toContain(read('./readme/in-code.ts'));
  });
});
