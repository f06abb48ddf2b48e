import { Client } from 'pg';
import { runMigrations } from './migrate';
import { provisionServiceRole, setRetentionPolicy, type ServiceRoleOptions } from './service-role';

/** How to reach the database as its owner and what to provision. */
export interface PrepareOptions {
  /** The schema owner's connection URL. */
  ownerUrl: string;
  serviceRole: ServiceRoleOptions;
  retentionMs: number;
}

/**
 * Brings the database to the state the service expects, as the owner: migrations, the service
 * role and its grants, the retention policy. Returns the migrations applied now. The owner's
 * connection is closed before the service starts working.
 */
export async function prepareDatabase(options: PrepareOptions): Promise<string[]> {
  const owner = new Client({ connectionString: options.ownerUrl });
  await owner.connect();
  try {
    const applied = await runMigrations(owner);
    await provisionServiceRole(owner, options.serviceRole);
    await setRetentionPolicy(owner, options.retentionMs);
    return applied;
  } finally {
    await owner.end();
  }
}
