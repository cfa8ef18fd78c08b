import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// keepDistReadme re-emits the committed dist/README.md after Vite empties
// dist/: the gateway's //go:embed all:dist needs the directory to exist even
// before the first build, so the README is the one committed file in it.
function keepDistReadme() {
  return {
    name: 'zonetrace-keep-dist-readme',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'README.md',
        source: 'built by npm run build; do not edit\n',
      })
    },
  }
}

// In `npm run dev` API calls are proxied to the gateway named by ZT_GATEWAY.
export default defineConfig({
  base: '/',
  plugins: [vue(), keepDistReadme()],
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': process.env.ZT_GATEWAY || 'http://localhost:8080',
    },
  },
})
