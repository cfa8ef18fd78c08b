import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'

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

// precompress writes a brotli (.br) and a gzip (.gz) copy next to every
// script, stylesheet and page of the build, at the strongest settings, once:
// the gateway serves the copy the browser accepts (gateway/web_encoding.go)
// and compresses nothing per request. A copy no smaller than its file is
// not written.
function precompress() {
  return {
    name: 'zonetrace-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue
        const file = join(options.dir, fileName)
        const raw = readFileSync(file)
        const copies = {
          '.br': brotliCompressSync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
          '.gz': gzipSync(raw, { level: 9 }),
        }
        for (const [suffix, data] of Object.entries(copies)) {
          if (data.length < raw.length) writeFileSync(file + suffix, data)
        }
      }
    },
  }
}

// In `npm run dev` API calls are proxied to the gateway named by ZT_GATEWAY.
export default defineConfig({
  base: '/',
  plugins: [vue(), keepDistReadme(), precompress()],
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      output: {
        // ECharts (the trace graph) is a chunk of its own, loaded only by the
        // pages that draw a chart. Element Plus needs no group: main.js loads
        // it with a dynamic import after login, and a group would pull all of
        // it into the login page, which imports a few of its components.
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ }] },
      },
    },
  },
  server: {
    proxy: {
      '/api': process.env.ZT_GATEWAY || 'http://localhost:8080',
    },
  },
})
