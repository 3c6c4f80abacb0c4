import { defineConfig } from 'drizzle-kit';

// `pnpm db:generate` writes reviewed SQL into the top-level migrations/; never `push`.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: '../../migrations',
});
