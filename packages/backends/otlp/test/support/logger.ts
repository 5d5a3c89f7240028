import type { OtlpLogger } from '../../src/index.js';

/** A logger that keeps what it is told, for assertions. */
export class CapturingLogger implements OtlpLogger {
  readonly warnings: string[] = [];
  readonly infos: string[] = [];

  warn(message: string): void {
    this.warnings.push(message);
  }

  info(message: string): void {
    this.infos.push(message);
  }

  get all(): string {
    return [...this.warnings, ...this.infos].join('\n');
  }
}
