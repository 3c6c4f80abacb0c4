// What the global setup hands to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Migrated database that each test file clones (CREATE DATABASE … TEMPLATE). */
    templateDatabase: string;
    /** Any database URL on the test server; test files swap the database name. */
    databaseServerUrl: string;
    redisUrl: string;
  }
}

export {};
