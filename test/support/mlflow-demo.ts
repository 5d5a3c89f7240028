/**
 * The multi-agent demo traced into an MLflow tracking server (see traced-demo.ts), and the rules
 * for comparing the tree MLflow gives back with the recorded one.
 */
import {
  GEN_AI,
  walkSpanTree,
  type AttributeScalar,
  type AttributeValue,
  type SpanTreeNode,
} from '@agents-tracing/processor';
import { createMlflowSpanExporter, MLFLOW, type MlflowSpanExporter } from '@agents-tracing/exporter-mlflow';
import { startTracedDemo, type TracedDemo } from './traced-demo.js';

export { DEMO_SERVICE_NAME, type RecordedDemoRun } from './traced-demo.js';

export interface MlflowDemo extends TracedDemo {
  readonly exporter: MlflowSpanExporter;
}

/** The demo's agents, model and MCP server, traced into MLflow experiment `experimentName`. */
export async function startMlflowDemo(trackingUri: string, experimentName: string): Promise<MlflowDemo> {
  // No MLFLOW_* variables from the machine: the server and experiment are the test's.
  const exporter = createMlflowSpanExporter({ trackingUri, experimentName }, {});
  return { ...(await startTracedDemo([exporter])), exporter };
}

const isScalar = (value: unknown): value is AttributeScalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * A span attribute value as MLflow 3.17 hands it back (observed): text that is a JSON object,
 * array or string literal comes back decoded, once (`'"x"'` as `'x'`); the reader keeps an array
 * of scalars as an array and writes an object or a nested array back as compact JSON. Other text
 * (`'123'`, `'true'`, `'null'` included), numbers, booleans and arrays come back as sent.
 */
function asMlflowReturnsIt(value: AttributeValue): AttributeValue {
  if (typeof value !== 'string') return value;
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof decoded === 'string') return decoded;
  if (Array.isArray(decoded) && decoded.every(isScalar)) return decoded;
  return typeof decoded === 'object' && decoded !== null ? JSON.stringify(decoded) : value;
}

function mapAttributes(
  attributes: Record<string, AttributeValue>,
  map: (key: string, value: AttributeValue) => AttributeValue | undefined,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const mapped = map(key, value);
    if (mapped !== undefined) out[key] = mapped;
  }
  return out;
}

const mapTree = (nodes: readonly SpanTreeNode[], map: (node: SpanTreeNode) => Partial<SpanTreeNode>): SpanTreeNode[] =>
  nodes.map((node) => ({ ...node, ...map(node), children: mapTree(node.children, map) }));

/**
 * The recorded tree as it must read back from MLflow: everything kept (ids, parents, names, times
 * to the nanosecond, status and message, events, attribute types), except what MLflow changes:
 * - the span kind is not stored (every span reads back INTERNAL; chat and list_tools are CLIENT);
 * - span attribute text holding JSON is decoded (see asMlflowReturnsIt); event attributes come
 *   back as sent.
 */
export function asReadFromMlflow(recorded: readonly SpanTreeNode[]): SpanTreeNode[] {
  return mapTree(recorded, (node) => ({
    kind: 'INTERNAL',
    attributes: mapAttributes(node.attributes, (_key, value) => asMlflowReturnsIt(value)),
  }));
}

/**
 * A tree read from MLflow without what the exporter and MLflow add: the `mlflow.*` attributes
 * (span types, inputs and outputs, token usage, trace tags; asserted on their own) and the
 * exporter's `session.id`, which only repeats the span's `gen_ai.conversation.id` (kept when it
 * differs, so the comparison shows it).
 */
export function withoutMlflowAdditions(stored: readonly SpanTreeNode[]): SpanTreeNode[] {
  return mapTree(stored, (node) => ({
    attributes: mapAttributes(node.attributes, (key, value) => {
      if (key.startsWith('mlflow.')) return undefined;
      if (key === MLFLOW.SESSION_ID && value === node.attributes[GEN_AI.CONVERSATION_ID]) return undefined;
      return value;
    }),
  }));
}

export const spanIdsOf = (roots: readonly SpanTreeNode[]): string[] => [...walkSpanTree(roots)].map(({ node }) => node.spanId);
