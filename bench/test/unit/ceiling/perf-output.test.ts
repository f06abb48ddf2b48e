import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConsumerPerf, parseProducerPerf } from '../../../src/ceiling/perf-output';

describe('parseProducerPerf', () => {
  it('when the tool printed progress lines and a summary, reads the summary', () => {
    const output = [
      '148213 records sent, 29636.7 records/sec (3.76 MB/sec), 800.1 ms avg latency, 1200.0 ms max latency.',
      '300000 records sent, 96123.0 records/sec (13.75 MB/sec), 195.85 ms avg latency, 464.00 ms max ' +
        'latency, 197 ms 50th, 254 ms 95th, 271 ms 99th, 293 ms 99.9th.',
    ].join('\n');
    assert.deepEqual(parseProducerPerf(output), {
      records: 300000,
      recordsPerSec: 96123,
      mbPerSec: 13.75,
      avgLatencyMs: 195.85,
      p99LatencyMs: 271,
    });
  });

  it('when there is no summary line, throws', () => {
    assert.throws(() => parseProducerPerf('Exception in thread "main"'), /no summary line/);
  });
});

describe('parseConsumerPerf', () => {
  it('when given the header and its values, reads the columns by name', () => {
    const output = [
      'WARNING: something',
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ' +
        'rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-12-03 16:30:16:126, 2026-12-03 16:30:17:359, 42.9153, 34.8056, 300000, 243309.0024, ' +
        '490, 743, 57.7595, 403768.5061',
    ].join('\n');
    assert.deepEqual(parseConsumerPerf(output), {
      records: 300000,
      recordsPerSec: 243309.0024,
      fetchRecordsPerSec: 403768.5061,
      fetchMbPerSec: 57.7595,
    });
  });

  it('when the header is missing, throws', () => {
    assert.throws(() => parseConsumerPerf('nothing'), /no header and values/);
  });
});
