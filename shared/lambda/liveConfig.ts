/**
 * The analysts' live configuration for a Lambda composition root: the config table named by
 * CONFIG_VERSIONS_TABLE, read through the bounded cache (CONFIG_CACHE_SECONDS, default 30), with the
 * shipped defaults live until analysts publish a version. One instance per cold start.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConfigStore } from '../adapters/dynamodb/configStore';
import { DEFAULT_CONFIG_CACHE_MS, LiveConfig, type LiveConfigOptions } from '../app/config/liveConfig';
import { defaultThresholds } from '../config';
import { TABLES } from '../resources';
import { requireEnv } from './env';

export const CONFIG_CACHE_ENV = 'CONFIG_CACHE_SECONDS';

export function liveConfigFromEnv(documents: DynamoDBDocumentClient, options: Pick<LiveConfigOptions, 'onUnavailable' | 'log' | 'refresh'> = {}): LiveConfig {
  const seconds = process.env[CONFIG_CACHE_ENV];
  const ttlMs = seconds === undefined || seconds === '' ? DEFAULT_CONFIG_CACHE_MS : Number(seconds) * 1000;
  if (!(Number.isFinite(ttlMs) && ttlMs >= 0)) throw new Error(`${CONFIG_CACHE_ENV} must be a number of seconds, got ${seconds}`);
  // Eventually consistent reads: the cache already bounds staleness, and they cost half.
  const store = new DynamoConfigStore(documents, requireEnv(TABLES.configVersions.envVar), false);
  return new LiveConfig(store, {
    seed: defaultThresholds,
    ttlMs,
    onUnavailable: options.onUnavailable ?? 'throw',
    ...(options.refresh ? { refresh: options.refresh } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
