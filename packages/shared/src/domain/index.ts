export * from './coordinates';
export * from './intake-task';
export * from './routed-task';
export * from './audit-event';
export * from './quarantine-record';
export * from './alert';
export * from './dead-letter-record';
export * from './subject-key';
