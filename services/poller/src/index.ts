export * from './poller';
export * from './config/poller-config';
export * from './config/connector-config';
export * from './connectors/source-connector';
export * from './connectors/idempotency-key';
export * from './results/results-destination';
export * from './results/directory-destination';
export * from './outcome/retry-headers';
