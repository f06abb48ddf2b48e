/** The summary line of the broker's ProducerPerformance tool. */
export interface ProducerPerfResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  p99LatencyMs: number;
}

/** The summary of the broker's ConsumerPerformance tool. */
export interface ConsumerPerfResult {
  records: number;
  /** Over the whole run, group join (rebalance) included. */
  recordsPerSec: number;
  /** Over the fetch time only, the join excluded: the rate records actually flowed at. */
  fetchRecordsPerSec: number;
  fetchMbPerSec: number;
}

/**
 * Reads the last summary line ProducerPerformance prints, e.g.
 * `1000000 records sent, 250000.0 records/sec (35.76 MB/sec), 80.1 ms avg latency, …, 120 ms 99th, …`.
 */
export function parseProducerPerf(output: string): ProducerPerfResult {
  const summary = output
    .split('\n')
    .filter((line) => /records sent, .* records\/sec .* 99th/.test(line))
    .pop();
  if (summary === undefined) throw new Error('ProducerPerformance printed no summary line');

  const number = (pattern: RegExp) => Number(pattern.exec(summary)?.[1]);
  return {
    records: number(/^(\d+) records sent/),
    recordsPerSec: number(/([\d.]+) records\/sec/),
    mbPerSec: number(/\(([\d.]+) MB\/sec\)/),
    avgLatencyMs: number(/([\d.]+) ms avg latency/),
    p99LatencyMs: number(/([\d.]+) ms 99th/),
  };
}

/**
 * Reads ConsumerPerformance's header line (`start.time, end.time, …, fetch.nMsg.sec`) and the
 * row of values after it, by column name so a reordered or extended header still parses.
 */
export function parseConsumerPerf(output: string): ConsumerPerfResult {
  const lines = output.split('\n').map((line) => line.trim());
  const headerIndex = lines.findIndex((line) => line.startsWith('start.time,'));
  const row = headerIndex < 0 ? undefined : lines[headerIndex + 1];
  if (headerIndex < 0 || row === undefined) {
    throw new Error('ConsumerPerformance printed no header and values');
  }

  const names = lines[headerIndex]!.split(',').map((name) => name.trim());
  const values = row.split(',').map((value) => value.trim());
  const column = (name: string) => {
    const index = names.indexOf(name);
    if (index < 0) throw new Error(`ConsumerPerformance printed no ${name} column`);
    return Number(values[index]);
  };

  return {
    records: column('data.consumed.in.nMsg'),
    recordsPerSec: column('nMsg.sec'),
    fetchRecordsPerSec: column('fetch.nMsg.sec'),
    fetchMbPerSec: column('fetch.MB.sec'),
  };
}
