/**
 * A status line on stderr for reads that take a while: redrawn with the elapsed time on a
 * terminal; elsewhere (CI logs) the first line, then at most one line every few seconds.
 */
export interface Progress {
  /** Changes what is being waited for. */
  update(text: string): void;
  done(): void;
}

const TICK_MS = 250;
const LOG_EVERY_MS = 5_000;

export const noProgress: Progress = { update() {}, done() {} };

export function startProgress(text: string, stream: NodeJS.WriteStream | undefined): Progress {
  if (!stream) return noProgress;
  const began = Date.now();
  const elapsed = (): string => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  const tty = stream.isTTY === true;
  let current = text;
  let lastLogged = began;
  const draw = (): void => {
    if (tty) stream.write(`\r\u001b[2K${current} (${elapsed()})`);
    else if (Date.now() - lastLogged >= LOG_EVERY_MS) {
      lastLogged = Date.now();
      stream.write(`${current} (${elapsed()})\n`);
    }
  };
  if (!tty) stream.write(`${current}\n`);
  draw();
  const timer = setInterval(draw, TICK_MS);
  timer.unref();
  return {
    update(next) {
      current = next;
      if (tty) draw();
    },
    done() {
      clearInterval(timer);
      if (tty) stream.write('\r\u001b[2K');
    },
  };
}
