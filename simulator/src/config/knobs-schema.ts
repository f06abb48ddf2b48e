import { ConfigError, parseConfig } from '@dsr/shared';
import { z } from 'zod';
import type { FaultRates, SourceKnobs, SourceKnobsInput } from './knobs';

const durationMs = z.number().finite().min(0);
const rate = z.number().min(0).max(1);

const latencySchema = z.union([
  durationMs,
  z.strictObject({ kind: z.literal('fixed'), ms: durationMs }),
  z
    .strictObject({ kind: z.literal('uniform'), minMs: durationMs, maxMs: durationMs })
    .refine((spec) => spec.minMs <= spec.maxMs, { message: 'minMs must not exceed maxMs' }),
  z
    .strictObject({ kind: z.literal('lognormal'), p50Ms: z.number().positive(), p99Ms: durationMs })
    .refine((spec) => spec.p99Ms >= spec.p50Ms, { message: 'p99Ms must be at least p50Ms' }),
]);

const authSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('bearer'), token: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('api-key'),
    header: z
      .string()
      .min(1)
      .transform((name) => name.toLowerCase())
      .default('x-api-key'),
    key: z.string().min(1),
  }),
]);

const faultKindSchema = z.enum([
  'server-error',
  'rate-limited',
  'unavailable',
  'reset',
  'unauthorized',
  'forbidden',
  'unprocessable',
  'slow',
  'lost-response',
  'job-failed',
]);

const faultRatesSchema = z.strictObject({
  serverError: rate.optional(),
  rateLimited: rate.optional(),
  unavailable: rate.optional(),
  reset: rate.optional(),
  unauthorized: rate.optional(),
  forbidden: rate.optional(),
  unprocessable: rate.optional(),
  slow: rate.optional(),
  lostResponse: rate.optional(),
});

/** The shape of a knobs input: what a config file, a control call or a test may pass. */
export const sourceKnobsInputSchema = z.strictObject({
  auth: authSchema.optional(),
  latency: latencySchema.optional(),
  faults: faultRatesSchema.optional(),
  retryAfterSec: z.number().int().min(0).optional(),
  slowDelayMs: durationMs.optional(),
  forced: z
    .record(
      z.string().min(1),
      z.strictObject({ fault: faultKindSchema, times: z.number().int().positive().optional() }),
    )
    .optional(),
  rateLimit: z
    .strictObject({ ratePerSec: z.number().positive(), burst: z.number().int().positive() })
    .nullable()
    .optional(),
  maxInFlight: z.number().int().positive().nullable().optional(),
  flap: z
    .strictObject({ upMs: z.number().int().positive(), downMs: z.number().int().positive() })
    .nullable()
    .optional(),
  job: z
    .strictObject({
      pendingMs: latencySchema.optional(),
      durationMs: latencySchema.optional(),
      failRate: rate.optional(),
      retentionMs: durationMs.nullable().optional(),
    })
    .optional(),
  resultRecords: z.number().int().min(0).max(10_000).optional(),
  port: z.number().int().min(0).max(65_535).optional(),
});

/** Validates a knobs input, naming every broken option's path. */
export function parseKnobsInput(raw: unknown, origin: string): SourceKnobsInput {
  return parseConfig(sourceKnobsInputSchema, raw, origin) as SourceKnobsInput;
}

/** Rules across options that only hold once an input is merged over the current knobs. */
export function assertKnobsCoherent(knobs: SourceKnobs, origin: string): void {
  const total = (Object.keys(knobs.faults) as Array<keyof FaultRates>).reduce(
    (sum, name) => sum + knobs.faults[name],
    0,
  );
  if (total > 1 + 1e-9) {
    throw new ConfigError(
      `invalid configuration in ${origin}:\n  - faults: the rates add up to ${total}, ` +
        'which exceeds 1; lower some of them',
      { context: { origin } },
    );
  }
}
