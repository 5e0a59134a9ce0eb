/**
 * The analysts' console build: React through Vite, from shared/console to out/console (what
 * `npm start -- --serve` serves locally and the CDK console construct deploys to S3 + CloudFront).
 * The thresholds' zod schema and the JSON diff are imported from shared/domain, so the browser
 * validates exactly as the API does.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../out/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1_000,
    rollupOptions: {
      // zod's sources carry /* @__PURE__ */ comments in places Rollup cannot use; harmless, and noisy.
      onwarn(warning, warn) {
        if (warning.code !== 'INVALID_ANNOTATION') warn(warning);
      },
    },
  },
  // During `vite` (dev server) the API is the local console server's.
  server: { proxy: { '/v1': process.env.RISKLINE_API ?? 'http://127.0.0.1:8787' } },
});
