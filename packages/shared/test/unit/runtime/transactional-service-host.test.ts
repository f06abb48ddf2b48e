import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { Kafka } from 'kafkajs';
import type { ServiceContext } from '../../../src/runtime/run-service';
import { hostTransactionalService } from '../../../src/runtime/transactional-service-host';

/** A service that records what the host asks of it. */
class RecordingService extends EventEmitter<{ crash: [error: unknown] }> {
  readonly calls: string[] = [];
  joined = false;

  async start(): Promise<void> {
    this.calls.push('start');
  }

  async stopFetching(): Promise<void> {
    this.calls.push('stopFetching');
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}

function hostContext() {
  const steps: { phase: string; name: string; action: () => Promise<void> }[] = [];
  const checks = new Map<string, () => boolean>();
  const failures: string[] = [];
  const lagWatched: { groupId: string; topics: readonly string[] }[] = [];
  const context = {
    runtime: {
      readiness: { register: (name: string, check: () => boolean) => checks.set(name, check) },
      onShutdown: (phase: string, name: string, action: () => Promise<void>) =>
        steps.push({ phase, name, action }),
      watchConsumerLag: async (options: { groupId: string; topics: readonly string[] }) =>
        lagWatched.push(options),
    },
    logger: undefined,
    fail: async (_error: unknown, reason: string) => void failures.push(reason),
  } as unknown as ServiceContext;
  return { context, steps, checks, failures, lagWatched };
}

describe('hostTransactionalService', () => {
  it('registers stop-fetching before close, starts the service, then watches its group lag', async () => {
    const host = hostContext();
    const service = new RecordingService();
    await hostTransactionalService(host.context, {
      name: 'ingest',
      service,
      kafka: {} as Kafka,
      groupId: 'group-1',
      topics: ['dsr.intake'],
    });

    assert.deepEqual(
      host.steps.map((s) => `${s.phase}:${s.name}`),
      ['stop-fetching:consumer', 'close:ingest'],
    );
    for (const step of host.steps) await step.action();
    assert.deepEqual(service.calls, ['start', 'stopFetching', 'close']);
    const watched = host.lagWatched.map((w) => [w.groupId, w.topics]);
    assert.deepEqual(watched, [['group-1', ['dsr.intake']]]);
  });

  it('is ready only once the consumer joined, and a crash ends the process', async () => {
    const host = hostContext();
    const service = new RecordingService();
    await hostTransactionalService(host.context, {
      name: 'router',
      service,
      kafka: {} as Kafka,
      groupId: 'group-2',
      topics: ['dsr.validated'],
    });

    assert.equal(host.checks.get('consumer')?.(), false);
    service.joined = true;
    assert.equal(host.checks.get('consumer')?.(), true);
    service.emit('crash', new Error('gone'));
    assert.deepEqual(host.failures, ['consumer crashed']);
  });
});
