/**
 * What the CLI does when it cannot write its output: a reader that went away (EPIPE) or a full
 * disk (ENOSPC) leaves the report incomplete, so that is exit 2 with one line naming the cause,
 * never a Node stack trace and never exit 1, which means "violations found".
 */
export const OUTPUT_FAILED_EXIT = 2;

interface Stream {
  on(event: "error", listener: (e: NodeJS.ErrnoException) => void): unknown;
}

export function guardOutput(
  streams: { stdout: Stream; stderr: Stream & { write(text: string): unknown } },
  exit: (code: number) => void,
): void {
  streams.stdout.on("error", (e) => {
    try {
      streams.stderr.write(
        `zeroport: cannot write the output to stdout (${e.code ?? e.message})\n`,
      );
    } catch {
      // stderr is gone too; the exit code still says it.
    }
    exit(OUTPUT_FAILED_EXIT);
  });
  streams.stderr.on("error", () => exit(OUTPUT_FAILED_EXIT));
}
