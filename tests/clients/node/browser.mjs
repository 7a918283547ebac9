// Drive a real browser analytics library in headless Chromium against the collector.
//
//   node browser.mjs <client> <collectorUrl> <writeKey> <scenario.json> <mode> [cdnURL]
//
// <client>: segment-browser (@segment/analytics-next) | cio-browser
// (@customerio/cdp-analytics-browser). <mode>: standard (one request per event) | batching |
// metrics (settings given inline with metrics sampled at 100 %, so the library also POSTs its
// own telemetry to the collector's /v1/m) | public (standard, but Chromium is told the page's
// origin is on the public internet: calls to the loopback collector are then Local Network
// Access requests, allowed here by granting the permission a user would be asked for) | docs
// (what the vendor's docs show: `AnalyticsBrowser.load({ writeKey, cdnURL })` and nothing
// else, so only the collector's settings point the library at it). [cdnURL]: the cdnURL
// given to the library (default: the collector's root).
//
// The library's own UMD bundle (from node_modules) is served by a small static server on a
// second loopback port, so the page and the collector are cross-origin, as on a real site.
// The page changes nothing but `cdnURL`: the library fetches its settings from the collector
// (GET /v1/projects/<writeKey>/settings), which points it at the collector for events. Any
// request to a non-loopback host is aborted and fails the run.
import { readFileSync, existsSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { extname, join, normalize } from 'node:path'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')

const [client, collector, writeKey, scenarioPath, mode = 'standard', cdnURL = collector] =
  process.argv.slice(2)
const sc = JSON.parse(readFileSync(scenarioPath, 'utf8'))
const expected = 6 + sc.burst
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const PACKAGES = {
  'segment-browser': { dir: '@segment/analytics-next', vendor: 'Segment.io' },
  'cio-browser': { dir: '@customerio/cdp-analytics-browser', vendor: 'Customer.io Data Pipelines' }
}
const pkg = PACKAGES[client]
if (!pkg) {
  console.error(`unknown client ${client}`)
  process.exit(1)
}
const umd = join(require.resolve(`${pkg.dir}/package.json`), '..', 'dist', 'umd')

// The page server plays the library's CDN too: `analytics._cdn` (what Segment's and
// Customer.io's snippets set for a proxy CDN) names it before the bundle runs, so the chunks
// the library imports on demand (ajs-destination when settings name more than one
// integration) load from its /analytics-next/bundles/, as they would from the vendor's CDN.
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Event Inspector client test</title>
<script>window.analytics = { _cdn: location.origin }</script>
<script src="/lib/index.js"></script></head>
<body><h1>client test</h1></body></html>`
const BUNDLES = '/analytics-next/bundles/'

const TYPES = { '.js': 'text/javascript', '.html': 'text/html', '.map': 'application/json' }
const server = createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname
  if (path === '/' || path === '/index.html') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    return res.end(PAGE)
  }
  const lib = path.startsWith('/lib/') ? path.slice(5)
    : path.startsWith(BUNDLES) ? path.slice(BUNDLES.length) : null
  if (lib !== null) {
    const file = normalize(join(umd, lib))
    if (file.startsWith(umd) && existsSync(file)) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' })
      return res.end(readFileSync(file))
    }
  }
  res.writeHead(404)
  res.end('not found')
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const pageOrigin = `http://127.0.0.1:${server.address().port}`

const problems = []
const seen = { requests: 0, metrics: [], settings: [], settingsPaths: [], failed: [] }
const loopback = (u) => {
  try {
    const h = new URL(u).hostname
    return h === '127.0.0.1' || h === 'localhost' || h === '[::1]'
  } catch { return true } // data:, blob:, about:
}

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
if (mode === 'public') {
  args.push(`--ip-address-space-overrides=127.0.0.1:${server.address().port}=public`)
}
// playwright-core gives every launch a new, empty profile (--user-data-dir in a temp dir)
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args })
const deadline = setTimeout(async () => {
  console.error(`timed out; problems: ${problems.join('; ')}`)
  process.exit(2)
}, 90_000)
let exitCode = 0
try {
  const context = await browser.newContext()
  if (mode === 'public') {
    await context.grantPermissions(['local-network-access'], { origin: pageOrigin })
  }
  await context.route((url) => !loopback(url.href), (route) => {
    problems.push(`blocked a request to a non-loopback host: ${route.request().url()}`)
    return route.abort()
  })
  const page = await context.newPage()
  page.on('console', (m) => { if (m.type() === 'error') console.error(`[page] ${m.text()}`) })
  page.on('pageerror', (e) => problems.push(`page error: ${e}`))
  page.on('requestfailed', (r) => seen.failed.push(`${r.method()} ${r.url()} ${r.failure()?.errorText}`))
  page.on('response', (r) => {
    const u = r.url()
    if (!u.startsWith(collector)) return
    seen.requests++
    if (u.includes('/settings')) {
      seen.settings.push(r.status())
      seen.settingsPaths.push(new URL(u).pathname)
    }
    if (u.endsWith('/v1/m')) seen.metrics.push(r.status())
  })
  await page.goto(`${pageOrigin}/index.html`)
  const result = await page.evaluate(async ({ sc, writeKey, collector, cdnURL, vendor, mode }) => {
    const { AnalyticsBrowser } = window.AnalyticsNext
    const integration = { protocol: 'http', apiHost: `${new URL(collector).host}/v1` }
    if (mode === 'batching') {
      integration.deliveryStrategy = { strategy: 'batching', config: { size: 50, timeout: 300 } }
    }
    // cdnURL: the collector serves the settings; the integration options only add batching
    // and the protocol for analytics-next's own metrics (it never takes it from settings)
    const settings = { writeKey, cdnURL }
    if (mode === 'metrics') {
      settings.cdnSettings = {
        integrations: { [vendor]: { apiKey: writeKey, ...integration } },
        metrics: { sampleRate: 1, flushTimer: 200 }
      }
    }
    // docs: exactly what the vendor's docs show, cdnURL at the collector's root and no
    // options; the collector's settings alone point the library at it
    const options = mode === 'docs' ? undefined : { integrations: { [vendor]: integration } }
    const [analytics] = await AnalyticsBrowser.load(settings, options)
    const u = sc.userId
    const pending = [
      analytics.identify(u, sc.identify.traits),
      analytics.track(sc.track.event, sc.track.properties),
      analytics.page(sc.page.category, sc.page.name, sc.page.properties),
      analytics.screen(sc.screen.category, sc.screen.name, sc.screen.properties),
      analytics.group(sc.group.groupId, sc.group.traits),
      analytics.alias(u, sc.alias.previousId)
    ]
    for (let i = 0; i < sc.burst; i++) {
      pending.push(analytics.track(sc.burstEvent,
        { i, tag: sc.tag, pad: 'x'.repeat(i % 50), even: i % 2 === 0 }))
    }
    await Promise.all(pending)
    return { version: analytics.VERSION, user: analytics.user().id() }
  }, { sc, writeKey, collector, cdnURL, vendor: pkg.vendor, mode })
  // the page keeps running until the collector has everything (batching flushes on a timer)
  const until = Date.now() + 45_000
  let stored = 0
  while (Date.now() < until) {
    const stats = await (await fetch(`${collector}/api/stats`)).json()
    stored = stats.events
    if (stored >= expected) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (stored < expected) problems.push(`only ${stored} of ${expected} events arrived`)
  // a moment for stray retries (and, in metrics mode, a metrics flush or two)
  await new Promise((resolve) => setTimeout(resolve, mode === 'metrics' ? 1000 : 500))
  if (mode === 'metrics') {
    if (!seen.metrics.length || seen.metrics.some((s) => s !== 200)) {
      problems.push(`no metrics accepted at /v1/m: ${JSON.stringify(seen.metrics)}`)
    }
  } else if (!seen.settings.length || seen.settings.some((s) => s !== 200)) {
    problems.push(`settings were not served by the collector: ${JSON.stringify(seen.settings)}`)
  }
  const failed = seen.failed.filter((f) => f.startsWith('POST') || f.includes('/settings'))
  if (failed.length) problems.push(`failed requests: ${failed.slice(0, 5).join(', ')}`)
  console.log(JSON.stringify({ client, mode, pageOrigin, ...result, stored, ...seen }))
} catch (err) {
  problems.push(String(err?.stack ?? err))
} finally {
  clearTimeout(deadline)
  await browser.close().catch(() => {})
  server.close()
}
if (problems.length) {
  console.error(problems.join('\n'))
  exitCode = 1
}
process.exit(exitCode)
