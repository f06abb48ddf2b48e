import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { Client } from 'pg';
import { isolatedDatabase, isolatedTopics } from '../support/environment';
import {
  collectOutcomes,
  finalOutcomes,
  produceTasks,
  routedTask,
  startPoller,
  testPollerConfig,
} from '../support/poller-harness';
import { waitFor } from '../support/wait-for';

const SCHEMA = `
  CREATE TABLE customers (id serial PRIMARY KEY, email text NOT NULL, name text, phone text);
  CREATE TABLE orders (id serial PRIMARY KEY, customer_email text NOT NULL, item text NOT NULL);
  INSERT INTO customers (email, name, phone) VALUES
    ('ada@example.test', 'Ada', '111'), ('bob@example.test', 'Bob', '222'),
    ('cy@example.test', 'Cy', '333'), ('other@example.test', 'Other', '999');
  INSERT INTO orders (customer_email, item) VALUES
    ('ada@example.test', 'book'), ('ada@example.test', 'pen'), ('bob@example.test', 'lamp');
`;

test('poller: a PostgreSQL source exports, erases and rectifies a subject in transactions', async (t) => {
  const layout = await isolatedTopics(t);
  const databaseUrl = await isolatedDatabase(t);
  const db = new Client({ connectionString: databaseUrl });
  // The database is dropped (connections forced closed) before this client ends.
  db.on('error', () => undefined);
  await db.connect();
  t.after(() => db.end());
  await db.query(SCHEMA);
  process.env.DSR_TEST_LEDGER_URL = databaseUrl;
  process.env.DSR_TEST_RESULTS_URL = databaseUrl;
  t.after(() => {
    delete process.env.DSR_TEST_LEDGER_URL;
    delete process.env.DSR_TEST_RESULTS_URL;
  });

  const config = testPollerConfig({
    results: { kind: 'postgres', connectionEnv: 'DSR_TEST_RESULTS_URL', table: 'access_results' },
    sources: {
      ledger: {
        connector: {
          kind: 'postgres',
          connectionEnv: 'DSR_TEST_LEDGER_URL',
          pool: { max: 2 },
          tables: [
            {
              table: 'customers',
              subjectColumn: 'email',
              columns: ['email', 'name', 'phone'],
              deletion: { mode: 'mask', set: { email: 'erased', name: null, phone: null } },
              rectifiable: ['name', 'phone'],
            },
            { table: 'public.orders', subjectColumn: 'customer_email', columns: ['item'] },
          ],
        },
      },
    },
  });
  const task = (overrides: Parameters<typeof routedTask>[0]) =>
    routedTask({ source_system: 'ledger', ...overrides });
  const access = task({ action: 'access', subject_email: 'ada@example.test' });
  const deletion = task({ action: 'deletion', subject_email: 'bob@example.test' });
  const rectification = task({
    action: 'rectification',
    subject_email: 'cy@example.test',
    changes: { phone: '444' },
  });
  const refused = task({
    action: 'rectification',
    subject_email: 'cy@example.test',
    changes: { email: 'x@y' },
  });
  const tasks = [access, deletion, rectification, refused];
  const outcomes = await collectOutcomes(t, layout);

  await produceTasks(layout, tasks);
  await startPoller(t, layout, config);
  const finals = await waitFor(
    () => finalOutcomes(outcomes).size === tasks.length && finalOutcomes(outcomes),
    {
      timeoutMs: 60_000,
      description: 'the four tasks to reach their outcomes',
    },
  );

  const { rows: stored } = await db.query<{ content: Buffer; digest: string; bytes: number }>(
    'SELECT content, digest, bytes FROM access_results WHERE request_id = $1 AND source_system = $2',
    [access.request_id, 'ledger'],
  );
  const exported = JSON.parse(stored[0]!.content.toString('utf8'));
  assert.deepEqual(exported.tables, {
    customers: [{ email: 'ada@example.test', name: 'Ada', phone: '111' }],
    'public.orders': [{ item: 'book' }, { item: 'pen' }],
  });
  const success = finals.get(access.request_id)!.succeeded[0]!;
  assert.equal(
    success.result_digest,
    createHash('sha256').update(stored[0]!.content).digest('hex'),
  );
  assert.equal(success.result_bytes, stored[0]!.bytes);

  const customers = await db.query('SELECT email, name, phone FROM customers ORDER BY id');
  assert.deepEqual(customers.rows, [
    { email: 'ada@example.test', name: 'Ada', phone: '111' },
    { email: 'erased', name: null, phone: null },
    { email: 'cy@example.test', name: 'Cy', phone: '444' },
    { email: 'other@example.test', name: 'Other', phone: '999' },
  ]);
  const orders = await db.query(
    "SELECT count(*)::int AS n FROM orders WHERE customer_email = 'bob@example.test'",
  );
  assert.equal(orders.rows[0].n, 0, 'orders erase by deleting their rows');

  assert.equal(finals.get(deletion.request_id)?.succeeded[0]?.detail, 'rows=2');
  const letter = finals.get(refused.request_id)?.deadLettered[0];
  assert.deepEqual(
    [letter?.error_code, letter?.error_category, letter?.attempts],
    ['SOURCE_REJECTED', 'permanent', 1],
  );
});
