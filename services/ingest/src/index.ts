export * from './config/ingest-config';
export * from './validate/email-syntax';
export * from './validate/deadline-policy';
export * from './validate/validate-task';
export * from './dedup/accepted-requests';
export * from './records/ingest-outputs';
export * from './consume/ingest-transform';
export * from './ingest-service';
