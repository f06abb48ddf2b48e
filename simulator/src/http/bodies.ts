import type { Job, WorkOrder } from '../source/job-store';
import { jobStatus } from '../source/job-store';

/** An error answer: a stable machine code and a sentence for people. */
export interface ErrorBody {
  error: string;
  message: string;
}

/** What an access request exports: the subject's records at this source. */
export interface AccessResult {
  source: string;
  subject: string;
  records: Array<{ kind: string; id: string; email: string }>;
}

/** The status document of a job, as `GET /sources/:source/jobs/:jobId` returns it. */
export interface JobBody {
  job_id: string;
  status: string;
  action: string;
  request_id: string;
  created_at: string;
  finished_at?: string;
  result_url?: string;
  result?: AccessResult;
  error?: ErrorBody;
}

const RECORD_KINDS = ['profile', 'order', 'consent', 'event'] as const;

/** The body of every error answer. */
export function errorBody(error: string, message: string): ErrorBody {
  return { error, message };
}

/** The base path of a source, under which all its routes live. */
export function sourcePath(source: string): string {
  return `/sources/${encodeURIComponent(source)}`;
}

/** The data an access request returns; derived from the request, so replays are identical. */
export function accessResult(source: string, order: WorkOrder, records: number): AccessResult {
  const rows = Array.from({ length: records }, (_, index) => ({
    kind: RECORD_KINDS[index % RECORD_KINDS.length] ?? 'profile',
    id: `${order.requestId}-${index + 1}`,
    email: order.subject,
  }));
  return { source, subject: order.subject, records: rows };
}

/** The status document of a job at a given time. */
export function jobBody(source: string, job: Job, nowMs: number, records: number): JobBody {
  const status = jobStatus(job, nowMs);
  const body: JobBody = {
    job_id: job.id,
    status,
    action: job.order.action,
    request_id: job.order.requestId,
    created_at: new Date(job.createdAtMs).toISOString(),
  };
  if (status !== 'done' && status !== 'failed') return body;

  body.finished_at = new Date(job.finishedAtMs).toISOString();
  if (status === 'failed') {
    body.error = errorBody('job_failed', 'the source could not complete the job');
  } else if (job.order.action === 'access') {
    body.result_url = `${sourcePath(source)}/jobs/${job.id}/result`;
    body.result = accessResult(source, job.order, records);
  }
  return body;
}
