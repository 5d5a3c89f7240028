/**
 * The one shape every span tree takes in this project: recorded in memory, read back from Jaeger
 * or MLflow, printed on the terminal. One matcher can then assert all of them.
 */

export type SpanKindName = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type SpanStatusName = 'UNSET' | 'OK' | 'ERROR';

export type AttributeScalar = string | number | boolean;
export type AttributeValue = AttributeScalar | AttributeScalar[];

export interface SpanTreeEvent {
  name: string;
  /** Milliseconds since the epoch. */
  time: number;
  attributes: Record<string, AttributeValue>;
}

export interface SpanTreeNode {
  name: string;
  kind: SpanKindName;
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  /** Milliseconds since the epoch (fractional where the source is finer). */
  startTime: number;
  /** Milliseconds since the epoch. */
  endTime: number;
  status: { code: SpanStatusName; message?: string };
  attributes: Record<string, AttributeValue>;
  events: SpanTreeEvent[];
  /** Children ordered by start time, then name. */
  children: SpanTreeNode[];
}

/** A span before it is placed in a tree: a node without children. */
export type FlatSpan = Omit<SpanTreeNode, 'children'>;

/**
 * Builds trees from flat spans. A span whose parent is not in the list becomes a root, so a
 * trace that nests under an application span that was not collected still forms a tree.
 */
export function buildSpanTree(spans: readonly FlatSpan[]): SpanTreeNode[] {
  const nodes = new Map<string, SpanTreeNode>();
  for (const span of spans) nodes.set(span.spanId, { ...span, children: [] });
  const roots: SpanTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parentSpanId === undefined ? undefined : nodes.get(node.parentSpanId);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const order = (a: SpanTreeNode, b: SpanTreeNode): number =>
    a.startTime - b.startTime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const sortDeep = (list: SpanTreeNode[]): void => {
    list.sort(order);
    for (const n of list) sortDeep(n.children);
  };
  sortDeep(roots);
  return roots;
}

/** Depth-first walk over a forest. */
export function* walkSpanTree(
  roots: readonly SpanTreeNode[],
  depth = 0,
): Generator<{ node: SpanTreeNode; depth: number }> {
  for (const node of roots) {
    yield { node, depth };
    yield* walkSpanTree(node.children, depth + 1);
  }
}
