import { readFileSync } from 'node:fs';
import { ConfigError, envInt, parseConfig } from '@dsr/shared';
import { z } from 'zod';
import { sourceKnobsInputSchema } from './knobs-schema';
import type { SourceKnobsInput } from './knobs';

/** The settings of a simulator process, as read from its config file and environment. */
export interface SimulatorConfig {
  port: number;
  host: string;
  seed: number;
  sources: Record<string, SourceKnobsInput>;
}

const configSchema = z.strictObject({
  port: z.number().int().min(0).max(65_535).default(8090),
  host: z.string().min(1).default('0.0.0.0'),
  seed: z.number().int().default(1),
  sources: z.record(z.string(), sourceKnobsInputSchema).default({}),
});

/**
 * Reads the process settings. The JSON document comes from SIMULATOR_CONFIG_JSON, else from the
 * file named by `configPath` or SIMULATOR_CONFIG, else is empty; SIMULATOR_PORT, SIMULATOR_HOST
 * and SIMULATOR_SEED override its top-level fields. A process binds every interface by default,
 * as the services' own listeners do, so that it is reachable from other containers.
 */
export function loadSimulatorConfig(
  env: NodeJS.ProcessEnv,
  configPath: string | undefined = env.SIMULATOR_CONFIG,
): SimulatorConfig {
  const [raw, origin] = readDocument(env, configPath);
  const parsed = parseConfig(configSchema, raw, origin) as SimulatorConfig;

  return {
    ...parsed,
    port: envInt(env, 'SIMULATOR_PORT', parsed.port),
    host:
      env.SIMULATOR_HOST !== undefined && env.SIMULATOR_HOST !== ''
        ? env.SIMULATOR_HOST
        : parsed.host,
    seed: envInt(env, 'SIMULATOR_SEED', parsed.seed),
  };
}

function readDocument(env: NodeJS.ProcessEnv, configPath: string | undefined): [unknown, string] {
  const inline = env.SIMULATOR_CONFIG_JSON;
  if (inline !== undefined && inline !== '')
    return [parseJson(inline, 'SIMULATOR_CONFIG_JSON'), 'SIMULATOR_CONFIG_JSON'];
  if (configPath === undefined || configPath === '') return [{}, 'defaults'];

  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the simulator config file ${configPath}`, {
      cause: error,
      context: { path: configPath },
    });
  }
  return [parseJson(text, configPath), configPath];
}

function parseJson(text: string, origin: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConfigError(`${origin} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
      context: { origin },
    });
  }
}
