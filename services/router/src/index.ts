export * from './config/router-config';
export * from './route/choose-lane';
export * from './ordering/held-task-cipher';
export * from './ordering/ordering-store';
export * from './records/router-outputs';
export * from './consume/router-transform';
export * from './router-service';
