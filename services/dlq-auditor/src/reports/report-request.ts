import { z } from 'zod';
import { DsrError } from '@dsr/shared';
import { DIMENSIONS, type Dimension, type Granularity } from './report-grid';

/** A report asked for: a half-open UTC interval, a bucket size and the breakdown. */
export interface ReportRequest {
  from: Date;
  to: Date;
  granularity: Granularity;
  groupBy: Dimension[];
}

const requestSchema = z.object({
  from: z.iso.datetime({ offset: true }).or(z.iso.date()),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()),
  granularity: z.enum(['day', 'week', 'month']).default('month'),
  groupBy: z.array(z.enum(DIMENSIONS as [Dimension, ...Dimension[]])).default([...DIMENSIONS]),
  epsilon: z.string().optional(),
});

/** Parses a report request body; VALIDATION_FAILED names what is wrong. */
export function parseReportRequest(body: unknown): ReportRequest & { epsilon?: string } {
  const parsed = requestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(body)'}: ${i.message}`,
    );
    throw new DsrError('VALIDATION_FAILED', `invalid report request: ${problems.join('; ')}`);
  }

  const { from, to, granularity, groupBy, epsilon } = parsed.data;
  const request = {
    from: new Date(from),
    to: new Date(to),
    granularity,
    groupBy: [...new Set(groupBy)],
  };
  if (!(request.from.getTime() < request.to.getTime())) {
    throw new DsrError('VALIDATION_FAILED', 'a report period must end after it starts');
  }
  return epsilon === undefined ? request : { ...request, epsilon };
}
