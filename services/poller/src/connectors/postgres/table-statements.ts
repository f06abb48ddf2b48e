import type { TableConfig } from '../../config/connector-config';

/** A parameterized statement; identifiers come from validated configuration only. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** Quotes a validated identifier, or `schema.name`, for SQL. */
export function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part}"`)
    .join('.');
}

/** The rows of a subject in one table. */
export function selectStatement(table: TableConfig, subject: string): Statement {
  const columns = table.columns ? table.columns.map(quoteName).join(', ') : '*';
  return {
    text: `SELECT ${columns} FROM ${quoteName(table.table)} WHERE ${quoteName(table.subjectColumn)} = $1`,
    values: [subject],
  };
}

/** Deletes, or masks, a subject's rows in one table. */
export function erasureStatement(table: TableConfig, subject: string): Statement {
  const where = `${quoteName(table.subjectColumn)} = $1`;
  if (table.deletion.mode === 'delete') {
    return { text: `DELETE FROM ${quoteName(table.table)} WHERE ${where}`, values: [subject] };
  }

  const entries = Object.entries(table.deletion.set);
  const assignments = entries.map(([column], i) => `${quoteName(column)} = $${i + 2}`).join(', ');
  return {
    text: `UPDATE ${quoteName(table.table)} SET ${assignments} WHERE ${where}`,
    values: [subject, ...entries.map(([, value]) => value)],
  };
}

/** Writes the changes this table allows; undefined when it allows none of them. */
export function rectifyStatement(
  table: TableConfig,
  subject: string,
  changes: Readonly<Record<string, string>>,
): Statement | undefined {
  const entries = Object.entries(changes).filter(([column]) => table.rectifiable.includes(column));
  if (entries.length === 0) return undefined;

  const assignments = entries.map(([column], i) => `${quoteName(column)} = $${i + 2}`).join(', ');
  return {
    text: `UPDATE ${quoteName(table.table)} SET ${assignments} WHERE ${quoteName(table.subjectColumn)} = $1`,
    values: [subject, ...entries.map(([, value]) => value)],
  };
}
