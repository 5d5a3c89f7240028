import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { buildSpanTree, describeThrown, flatSpanFromReadable, renderSpanTree } from '@agents-tracing/processor';
import { TraceAssembler } from './trace-assembler.js';

export interface TreeExporterOptions {
  /** Where each finished trace's tree is printed; `false` prints nothing. Default: stdout. */
  print?: ((text: string) => void) | false;
  /**
   * A file each finished trace is appended to, one OTLP JSON `ExportTraceServiceRequest` a line
   * (the OpenTelemetry Collector's file format; Jaeger's UI loads OTLP JSON). `false`: no file.
   */
  file?: string | false;
}

/**
 * The embedded default exporter: no server needed. Each finished trace is printed as a tree on
 * the terminal and appended to a local file in OTLP JSON.
 */
export class TreeExporter implements SpanExporter {
  readonly #assembler: TraceAssembler;
  readonly #print: ((text: string) => void) | false;
  readonly #file: string | false;

  constructor(options: TreeExporterOptions = {}) {
    this.#print = options.print ?? ((text) => process.stdout.write(`${text}\n`));
    this.#file = options.file ?? false;
    if (this.#file) mkdirSync(dirname(this.#file), { recursive: true });
    this.#assembler = new TraceAssembler((spans) => this.#writeTrace(spans));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.#assembler.add(spans);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(describeThrown(error)) });
    }
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.#assembler.drain();
  }

  #writeTrace(spans: ReadableSpan[]): void {
    if (this.#print) {
      const roots = buildSpanTree(spans.map(flatSpanFromReadable));
      const traceId = spans[0]?.spanContext().traceId ?? '';
      this.#print(`trace ${traceId}\n${renderSpanTree(roots, { durations: true })}\n`);
    }
    if (this.#file) {
      const bytes = JsonTraceSerializer.serializeRequest(spans);
      if (bytes) appendFileSync(this.#file, `${Buffer.from(bytes).toString('utf8')}\n`);
    }
  }
}
