export * from './wire-format';
export * from './avro-serde';
