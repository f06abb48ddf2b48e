import { Counter, Gauge, type Registry } from 'prom-client';

/** The auditor's own series, next to the pipeline's standard ones on the same registry. */
export interface AuditorMetrics {
  /** Records appended to the chain. */
  readonly recordsStored: Counter;
  /** Redelivered records recognised by their coordinates and not stored again. */
  readonly duplicatesSkipped: Counter;
  /** Data keys destroyed by retention. */
  readonly keysShredded: Counter;
  /** Position of the last chain head published to the audit topic. */
  readonly chainHeadPosition: Gauge;
}

/** Registers the auditor's series on a registry. */
export function createAuditorMetrics(registry: Registry): AuditorMetrics {
  const registers = [registry];
  return {
    recordsStored: new Counter({
      name: 'dsr_auditor_records_stored_total',
      help: 'Dead-letter and quarantine records appended to the hash chain',
      registers,
    }),
    duplicatesSkipped: new Counter({
      name: 'dsr_auditor_duplicates_skipped_total',
      help: 'Redelivered records recognised by their coordinates and not stored again',
      registers,
    }),
    keysShredded: new Counter({
      name: 'dsr_auditor_keys_shredded_total',
      help: 'Data keys destroyed by the retention job',
      registers,
    }),
    chainHeadPosition: new Gauge({
      name: 'dsr_auditor_chain_head_position',
      help: 'Position of the last chain head published to the audit topic',
      registers,
    }),
  };
}
