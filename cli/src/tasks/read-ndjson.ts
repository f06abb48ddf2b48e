import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DsrError, type IntakeTask } from '@dsr/shared';
import { parseTaskInput } from './task-input';

/**
 * Reads tasks from an NDJSON file (one JSON object per line; blank lines and lines starting with
 * `#` are skipped), or from standard input when the path is `-`. Every line is checked before
 * any task is sent, and all the bad lines are reported together, so a file is sent whole or not
 * at all.
 */
export async function readTasksFile(path: string, nowMs = Date.now()): Promise<IntakeTask[]> {
  const name = path === '-' ? 'stdin' : path;
  const input = path === '-' ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  const tasks: IntakeTask[] = [];
  const problems: string[] = [];
  let lineNumber = 0;

  try {
    for await (const line of lines) {
      lineNumber += 1;
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;

      const outcome = parseLine(text, `${name}:${lineNumber}`, nowMs);
      if (typeof outcome === 'string') problems.push(outcome);
      else tasks.push(outcome);
    }
  } catch (cause) {
    throw new DsrError('VALIDATION_FAILED', `cannot read ${name}`, {
      cause,
      context: { path: name },
    });
  }

  if (problems.length > 0) {
    const shown = problems.slice(0, 20).join('\n  ');
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : '';
    throw new DsrError(
      'VALIDATION_FAILED',
      `${problems.length} invalid line(s), nothing sent:\n  ${shown}${more}`,
      {
        context: { path: name, invalid: problems.length },
      },
    );
  }
  return tasks;
}

function parseLine(text: string, origin: string, nowMs: number): IntakeTask | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return `${origin}: not a JSON object`;
  }

  try {
    return parseTaskInput(raw, origin, nowMs);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
