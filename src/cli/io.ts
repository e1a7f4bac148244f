/** The streams a CLI command writes to; injected so that tests can capture them. */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** A stream whose reader has gone (`yaodian parse … | head`): nothing more is written to it. */
function closed(stream: NodeJS.WritableStream): boolean {
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return Boolean(s.destroyed || s.writableEnded);
}

export function writeLine(stream: NodeJS.WritableStream, text = ''): void {
  if (closed(stream)) return;
  stream.write(`${text}\n`);
}

/**
 * Output piped into a reader that stops early (`| head`, `| less` quit): the write fails with EPIPE and the
 * stream closes. That is the reader's choice, not an error: the output stops quietly instead of dying with a
 * stack trace. Other write errors still surface.
 */
export function tolerateClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
    throw e;
  });
}
