/** Where the command writes; injectable so tests and the demo can capture it. */
export interface Output {
  /** A line of the command's result, on standard output. */
  line(text: string): void;
  /** A diagnostic for the person at the terminal, on standard error. */
  note(text: string): void;
}

/** Standard output for results, standard error for diagnostics. */
export const STANDARD_OUTPUT: Output = Object.freeze({
  line: (text: string) => void process.stdout.write(`${text}\n`),
  note: (text: string) => void process.stderr.write(`${text}\n`),
});

/** Pads columns to a table; the header row is the first row. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** An epoch-millisecond time as ISO 8601, or `-`. */
export function formatTime(epochMs: number | null | undefined): string {
  return epochMs === null || epochMs === undefined ? '-' : new Date(epochMs).toISOString();
}
