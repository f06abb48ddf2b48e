import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutedTask } from '@dsr/shared';
import { AuditorClient } from '../../cli/src/auditor/auditor-client';
import type { StoredRecord } from '../../cli/src/auditor/api-types';
import type { PlannedTask } from '../../cli/src/demo/traffic-plan';
import { startPipelineProcesses, type PipelineService } from '../support/pipeline-processes';
import { collectTopic } from '../support/topic-records';
import { waitFor } from '../support/wait-for';

const SERVICES: readonly PipelineService[] = ['ingest', 'router', 'poller', 'dlq-auditor'];
const WAVE = 40;

/** How many records of each request id a list holds. */
function countIds(ids: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe('operability: SIGTERM under load', () => {
  it('each service closes gracefully mid-traffic, and no task is lost or duplicated', async (t) => {
    const pipeline = await startPipelineProcesses(t, { tasks: WAVE * SERVICES.length, seed: 5 });
    const { layout, plan, supervisor, tracker } = pipeline;
    const validated = await collectTopic<RoutedTask>(t, layout, layout.topics.validated);
    const high = await collectTopic<RoutedTask>(t, layout, layout.topics.tasksHigh);
    const standard = await collectTopic<RoutedTask>(t, layout, layout.topics.tasksStandard);

    for (const [i, service] of SERVICES.entries()) {
      const wave = plan.slice(i * WAVE, (i + 1) * WAVE);
      await pipeline.submit(wave);
      await waitFor(() => busyWith(pipeline.events, wave, service), {
        timeoutMs: 60_000,
        description: `${service} to be working on the wave`,
      });

      const stopped = await supervisor.stop(service);
      assert.deepEqual(stopped, { exit: '0', killed: false }, `${service} closed gracefully`);
      await supervisor.start(pipeline.specs.get(service)!, AbortSignal.timeout(120_000));
    }
    await waitFor(() => tracker.finished, { timeoutMs: 240_000, description: 'every outcome' });

    const terminal = pipeline.events.filter((e) =>
      ['succeeded', 'dead_lettered', 'quarantined'].includes(e.stage),
    );
    const outcomes = countIds(terminal.map((e) => e.request_id!));
    for (const p of plan) {
      assert.equal(outcomes.get(p.task.request_id), 1, `${p.task.request_id}: exactly one outcome`);
      assert.equal(
        tracker.journeys().get(p.task.request_id)?.outcome,
        p.expected,
        p.task.request_id,
      );
    }

    const valid = plan.filter((p) => p.expected !== 'quarantined').map((p) => p.task.request_id);
    await waitFor(
      () => validated.length >= valid.length && high.length + standard.length >= valid.length,
      {
        description: 'the validated and lane topics to be read',
      },
    );
    assertOncePerId(
      validated.map((r) => r.value.request_id),
      valid,
      'validated',
    );
    assertOncePerId(
      [...high, ...standard].map((r) => r.value.request_id),
      valid,
      'lanes',
    );

    const stored = await storedForRun(pipeline, plan);
    const expectedStored = plan
      .filter((p) => p.expected !== 'succeeded')
      .map((p) => p.task.request_id);
    assertOncePerId(
      stored.map((r) => r.requestId!),
      expectedStored,
      'dead-letter store',
    );
  });
});

/**
 * Whether the service has work of the wave in hand: the wave's tasks have been received but
 * not all have passed the service's stage yet.
 */
function busyWith(
  events: readonly { request_id: string | null; stage: string }[],
  wave: readonly PlannedTask[],
  service: PipelineService,
): boolean {
  const ids = new Set(wave.map((p) => p.task.request_id));
  const stages = events
    .filter((e) => e.request_id !== null && ids.has(e.request_id))
    .map((e) => e.stage);
  const count = (stage: string) => stages.filter((s) => s === stage).length;
  switch (service) {
    case 'ingest':
      return count('received') > 0;
    case 'router':
      return count('validated') > 0;
    case 'poller':
      return count('attempt_started') + count('job_submitted') > 0;
    case 'dlq-auditor':
      return count('dead_lettered') + count('quarantined') > 0;
  }
}

function assertOncePerId(
  actual: readonly string[],
  expected: readonly string[],
  where: string,
): void {
  const counts = countIds(actual.filter((id) => expected.includes(id)));
  const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  const missing = expected.filter((id) => !counts.has(id));
  assert.deepEqual({ duplicated, missing }, { duplicated: [], missing: [] }, where);
}

async function storedForRun(
  pipeline: Awaited<ReturnType<typeof startPipelineProcesses>>,
  plan: readonly PlannedTask[],
): Promise<StoredRecord[]> {
  const client = new AuditorClient({
    baseUrl: `http://127.0.0.1:${pipeline.settings.ports.auditorApi}`,
    token: pipeline.secrets.tokens.viewer,
  });
  const ids = new Set(plan.map((p) => p.task.request_id));
  const expected = plan.filter((p) => p.expected !== 'succeeded').length;
  return waitFor(
    async () => {
      const { records } = await client.get<{ records: StoredRecord[] }>('/v1/records', {
        limit: 500,
      });
      const ours = records.filter((r) => r.requestId !== null && ids.has(r.requestId));
      return ours.length >= expected && ours;
    },
    {
      timeoutMs: 60_000,
      description: 'the auditor to store every dead letter and quarantine record',
    },
  );
}
