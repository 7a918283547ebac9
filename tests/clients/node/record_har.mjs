// Record a HAR with Chromium (playwright-core's recordHar, from the DevTools protocol) while a
// page sends tracking calls the way a site does, for the HAR import test.
//
//   node record_har.mjs <collectorUrl> <writeKey> <out.har>
//
// The page (served from a second loopback port) loads @segment/analytics-next from
// node_modules, pointed at the collector by cdnURL, and calls identify, track and page; it
// also fires a KISSmetrics pixel at the collector and fetches two things that are not
// tracking calls (a JSON file and a missing image). Nothing leaves 127.0.0.1.
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { join, normalize } from 'node:path'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')
const [collector, writeKey, out] = process.argv.slice(2)
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const umd = join(require.resolve('@segment/analytics-next/package.json'), '..', 'dist', 'umd')

// the page server plays the library's CDN too (analytics._cdn), as tests/clients do: the
// chunks it imports on demand load from /analytics-next/bundles/
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>HAR</title>
<script>window.analytics = { _cdn: location.origin }</script>
<script src="/lib/index.js"></script></head><body><h1>shop</h1></body></html>`
const BUNDLES = '/analytics-next/bundles/'
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname
  if (path === '/') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    return res.end(PAGE)
  }
  if (path === '/catalog.json') {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    return res.end('{"products": []}')
  }
  const lib = path.startsWith('/lib/') ? path.slice(5)
    : path.startsWith(BUNDLES) ? path.slice(BUNDLES.length) : null
  if (lib !== null) {
    const file = normalize(join(umd, lib))
    if (file.startsWith(umd) && existsSync(file)) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' })
      return res.end(readFileSync(file))
    }
  }
  res.writeHead(404)
  res.end('not found')
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const origin = `http://127.0.0.1:${server.address().port}`

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
})
const context = await browser.newContext({ recordHar: { path: out, content: 'embed' } })
const page = await context.newPage()
const tracked = []
page.on('requestfinished', (r) => { if (/\/v1\/[a-z]$|\/e\?/.test(r.url())) tracked.push(r.url()) })
await page.goto(origin + '/')
await page.evaluate(async ({ collector, writeKey }) => {
  const { AnalyticsBrowser } = window.AnalyticsNext
  // what the vendor's docs show: only cdnURL; the collector's settings do the rest
  const [analytics] = await AnalyticsBrowser.load({ writeKey, cdnURL: collector })
  await analytics.identify('har-user', { email: 'har@example.com' })
  await analytics.track('Product Viewed', { sku: 'HAR-1', price: 12.5 })
  await analytics.page('Shop', 'Product')
  await fetch('/catalog.json').then((r) => r.json())
  await new Promise((resolve) => {
    const img = new Image()
    img.onload = img.onerror = resolve
    img.src = `${collector}/e?_k=KMKEY&_p=har-user&_n=Signed+Up`
  })
  await new Promise((resolve) => {
    const img = new Image()
    img.onload = img.onerror = resolve
    img.src = '/missing.png'
  })
}, { collector, writeKey })
const deadline = Date.now() + 15000
while (tracked.length < 4 && Date.now() < deadline) await page.waitForTimeout(100)
await context.close() // writes the HAR
await browser.close()
server.close()
console.log(JSON.stringify({ tracked }))
