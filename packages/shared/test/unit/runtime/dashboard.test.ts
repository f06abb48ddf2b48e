import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../../src/config/endpoints';
import { createPipelineMetrics } from '../../../src/runtime/metrics';

interface Panel {
  title: string;
  targets?: { expr: string }[];
}

const dashboard = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs/grafana/dsr-pipeline.json'), 'utf8'),
) as { panels: Panel[] };

describe('the Grafana dashboard', () => {
  it('queries only metrics the services export', async () => {
    const metrics = createPipelineMetrics({ service: 'test' });
    const exported = new Set(
      (await metrics.registry.getMetricsAsJSON()).flatMap((m) => [
        m.name,
        `${m.name}_bucket`,
        `${m.name}_count`,
        `${m.name}_sum`,
      ]),
    );
    const queried = dashboard.panels
      .flatMap((panel) => panel.targets ?? [])
      .flatMap((target) => target.expr.match(/\bdsr_\w+/g) ?? []);

    // The dlq-auditor registers its own store metrics next to the standard ones.
    const unknown = queried.filter(
      (name) => !exported.has(name) && !name.startsWith('dsr_auditor_'),
    );
    assert.deepEqual(unknown, []);
    assert.ok(queried.length > 20);
  });

  it('bases the alerting rules only on exported metrics', async () => {
    const rules = readFileSync(join(REPO_ROOT, 'docs/prometheus/dsr-alerts.yml'), 'utf8');
    const metrics = createPipelineMetrics({ service: 'test' });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));

    const used = [...new Set(rules.match(/\bdsr_\w+/g) ?? [])];
    assert.deepEqual(
      used.filter((name) => !exported.has(name)),
      [],
    );
    assert.ok(used.length >= 8);
  });

  it('gives every panel with queries a description', () => {
    const bare = dashboard.panels.filter(
      (panel) =>
        (panel.targets?.length ?? 0) > 0 && !(panel as { description?: string }).description,
    );

    assert.deepEqual(
      bare.map((p) => p.title),
      [],
    );
  });
});
