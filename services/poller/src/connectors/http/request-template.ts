import { ConfigError, type RoutedTask } from '@dsr/shared';
import type { RequestTemplate } from '../../config/connector-config';

/** The values a template may name. `changes` is only available in bodies, as a whole object. */
export const TEMPLATE_FIELDS: readonly string[] = Object.freeze([
  'request_id',
  'subject_email',
  'subject_key',
  'action',
  'source_system',
  'trace_id',
  'job_id',
  'idempotency_key',
]);

/** A request ready to send. */
export interface RenderedRequest {
  method: RequestTemplate['method'];
  path: string;
  body: string | undefined;
}

const PATH_PLACEHOLDER = /\{([a-z_]+)\}/g;
const BODY_PLACEHOLDER = /\{\{([a-z_]+)\}\}/g;

/** Fails at start-up when a template names a value that does not exist. */
export function assertTemplateFields(template: RequestTemplate, option: string): void {
  const names = [
    ...[...template.path.matchAll(PATH_PLACEHOLDER)].map((m) => m[1]!),
    ...[...JSON.stringify(template.body ?? null).matchAll(BODY_PLACEHOLDER)].map((m) => m[1]!),
  ];
  const unknown = names.filter((name) => name !== 'changes' && !TEMPLATE_FIELDS.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${option} names unknown placeholders ${unknown.join(', ')}; ` +
        `use ${TEMPLATE_FIELDS.join(', ')} or {{changes}}`,
      { context: { option } },
    );
  }
}

/** Fills a template from the task; path values are URL-encoded. */
export function renderRequest(
  template: RequestTemplate,
  task: RoutedTask,
  extra: Readonly<Record<string, string>>,
): RenderedRequest {
  const values: Record<string, string> = {
    request_id: task.request_id,
    subject_email: task.subject_email,
    subject_key: task.subject_key,
    action: task.action,
    source_system: task.source_system,
    trace_id: task.trace_id,
    ...extra,
  };
  const path = template.path.replace(PATH_PLACEHOLDER, (_, name: string) =>
    encodeURIComponent(values[name] ?? ''),
  );
  const body =
    template.body === undefined
      ? undefined
      : JSON.stringify(fillBody(template.body, values, task.changes));
  return { method: template.method, path, body };
}

function fillBody(
  node: unknown,
  values: Record<string, string>,
  changes: RoutedTask['changes'],
): unknown {
  if (typeof node === 'string') {
    if (node === '{{changes}}') return changes ?? {};
    return node.replace(BODY_PLACEHOLDER, (_, name: string) => values[name] ?? '');
  }
  if (Array.isArray(node)) return node.map((item) => fillBody(item, values, changes));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, fillBody(value, values, changes)]),
    );
  }
  return node;
}
