import { renderSpanTree, type AttributeValue, type SpanTreeNode } from '@agents-tracing/processor';

/** A partial expected shape: only what is given is checked. */
export interface ExpectedSpan {
  name?: string | RegExp;
  kind?: SpanTreeNode['kind'];
  status?: SpanTreeNode['status']['code'];
  /** Each listed attribute must be present and equal (a RegExp tests string values;
   * `expect.any(Number)`-style asymmetric matchers work through `equals`). */
  attributes?: Record<string, AttributeValue | RegExp | AsymmetricLike>;
  /** When given, the children must match one to one, in any order (siblings that start in the
   * same millisecond have no reliable order). */
  children?: ExpectedSpan[];
}

interface AsymmetricLike {
  asymmetricMatch(other: unknown): boolean;
}

export interface TreeMatchResult {
  pass: boolean;
  /** One line per difference, each with the path of the span it is about. */
  mismatches: string[];
}

const isAsymmetric = (v: unknown): v is AsymmetricLike =>
  typeof v === 'object' && v !== null && typeof (v as AsymmetricLike).asymmetricMatch === 'function';

function valueMatches(expected: unknown, actual: unknown): boolean {
  if (expected instanceof RegExp) return typeof actual === 'string' && expected.test(actual);
  if (isAsymmetric(expected)) return expected.asymmetricMatch(actual);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => valueMatches(e, actual[i]));
  }
  return Object.is(expected, actual);
}

const show = (v: unknown): string => (v instanceof RegExp ? String(v) : isAsymmetric(v) ? String(v) : JSON.stringify(v));

/**
 * Checks a span tree (one root, or a list of roots) against a partial expected shape. Pure: the
 * vitest matcher and any other test runner can use it.
 */
export function matchSpanTree(
  actual: SpanTreeNode | readonly SpanTreeNode[],
  expected: ExpectedSpan | readonly ExpectedSpan[],
): TreeMatchResult {
  const mismatches: string[] = [];
  const actualList = Array.isArray(actual) ? actual : [actual as SpanTreeNode];
  const expectedList = Array.isArray(expected) ? expected : [expected as ExpectedSpan];
  matchList(actualList, expectedList, '', mismatches);
  return { pass: mismatches.length === 0, mismatches };
}

function matchList(actual: readonly SpanTreeNode[], expected: readonly ExpectedSpan[], path: string, out: string[]): void {
  if (actual.length !== expected.length) {
    out.push(
      `${path || '(roots)'}: expected ${expected.length} span(s), found ${actual.length}: [${actual.map((a) => a.name).join(', ')}]`,
    );
  }
  const unused = [...actual];
  const unmatched: ExpectedSpan[] = [];
  for (const exp of expected) {
    const index = unused.findIndex((node) => nodeMismatches(node, exp, '').length === 0);
    if (index >= 0) unused.splice(index, 1);
    else unmatched.push(exp);
  }
  // Report each unmatched expectation against the closest remaining span: same name if any.
  for (const exp of unmatched) {
    const index = Math.max(
      0,
      unused.findIndex((node) => exp.name === undefined || valueMatches(exp.name, node.name)),
    );
    const node = unused[index];
    if (!node) {
      out.push(`${path || '(roots)'}: no span left for expected ${show(exp.name ?? '(any name)')}`);
      continue;
    }
    unused.splice(index, 1);
    out.push(...nodeMismatches(node, exp, `${path}${path ? ' › ' : ''}${node.name}`));
  }
}

function nodeMismatches(node: SpanTreeNode, exp: ExpectedSpan, path: string): string[] {
  const out: string[] = [];
  matchNode(node, exp, path, out);
  return out;
}

function matchNode(node: SpanTreeNode, exp: ExpectedSpan, path: string, out: string[]): void {
  if (exp.name !== undefined && !valueMatches(exp.name, node.name)) {
    out.push(`${path}: name expected ${show(exp.name)}, found ${JSON.stringify(node.name)}`);
  }
  if (exp.kind !== undefined && exp.kind !== node.kind) out.push(`${path}: kind expected ${exp.kind}, found ${node.kind}`);
  if (exp.status !== undefined && exp.status !== node.status.code) {
    out.push(`${path}: status expected ${exp.status}, found ${node.status.code}`);
  }
  for (const [key, value] of Object.entries(exp.attributes ?? {})) {
    if (!(key in node.attributes)) out.push(`${path}: attribute ${key} missing (expected ${show(value)})`);
    else if (!valueMatches(value, node.attributes[key])) {
      out.push(`${path}: attribute ${key} expected ${show(value)}, found ${show(node.attributes[key])}`);
    }
  }
  if (exp.children) matchList(node.children, exp.children, path, out);
}

/** The failure message: the differences, then the actual tree. */
export function describeTreeMismatch(actual: SpanTreeNode | readonly SpanTreeNode[], result: TreeMatchResult): string {
  const roots = Array.isArray(actual) ? actual : [actual as SpanTreeNode];
  return [
    'span tree differs from the expected shape:',
    ...result.mismatches.map((m) => `  - ${m}`),
    '',
    'actual tree:',
    renderSpanTree(roots)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  ].join('\n');
}
