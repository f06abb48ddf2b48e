export * from './error-codes';
export * from './dsr-error';
