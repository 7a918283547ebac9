// What web pages can do to the collector, tried in headless Chromium.
//
//   node api_access.mjs <collectorUrl> <loopback|foreign|rebinding>...
//
// Each page in turn, from a small static server on 127.0.0.1: on its loopback origin
// (http://127.0.0.1:PORT, like a dev server), or on a foreign name (http://evil.test:PORT,
// which Chromium is told resolves to 127.0.0.1). The third page is the DNS-rebinding attacker:
// it is loaded from http://evil.test:<collector port>/, i.e. from the collector itself under
// a foreign name, so its calls to the collector are "same-origin" as far as the browser knows.
// Each page tries what the issue tried: read /api, install a fault with a simple text/plain
// POST, clear the session with DELETE, and send an event to a tracking route. Prints one JSON
// line with what each attempt saw, and after each page what the collector holds (asked
// from Node, without an Origin); the Python test decides what must have happened.
import { createServer } from 'node:http'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { chromium } = require('playwright-core')

const [collector, ...which] = process.argv.slice(2)
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const collectorPort = new URL(collector).port

const server = createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
  res.end('<!doctype html><title>page</title><h1>a page</h1>')
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const port = server.address().port

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
    '--host-resolver-rules=MAP evil.test 127.0.0.1']
})
const deadline = setTimeout(() => { console.error('timed out'); process.exit(2) }, 60_000)

// runs inside the page: every attempt, each reported as {status, body} or {error}
async function attempts ({ target }) {
  const out = {}
  const tryFetch = async (name, url, init) => {
    try {
      const r = await fetch(url, init)
      let body = null
      try { body = await r.text() } catch (e) { body = `unreadable: ${e}` }
      out[name] = { status: r.status, type: r.type, body: body.slice(0, 4000) }
    } catch (e) {
      out[name] = { error: String(e) }
    }
  }
  await tryFetch('readEvents', `${target}/api/events`)
  await tryFetch('readExport', `${target}/api/export`)
  // a "simple" request: no preflight; no-cors so the browser sends it whatever CORS says
  await tryFetch('simpleFault', `${target}/api/faults`, {
    method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ status: 503, count: 5 })
  })
  await tryFetch('jsonFault', `${target}/api/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ status: 503, count: 1 })
  })
  await tryFetch('deleteFaults', `${target}/api/faults`, { method: 'DELETE' })
  await tryFetch('deleteEvents', `${target}/api/events`, { method: 'DELETE' })
  await tryFetch('track', `${target}/v1/t`, {
    method: 'POST', headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify({ type: 'track', userId: 'page-user', event: `From ${location.host}` })
  })
  return out
}

const state = async () => ({
  faults: (await (await fetch(`${collector}/api/faults`)).json()).faults.length,
  events: (await (await fetch(`${collector}/api/stats`)).json()).events
})
const results = {}
try {
  const context = await browser.newContext()
  const pages = {
    loopback: { url: `http://127.0.0.1:${port}/`, target: collector },
    foreign: { url: `http://evil.test:${port}/`, target: collector },
    // DNS rebinding: the attacker's name now points at the collector; same-origin calls
    rebinding: { url: `http://evil.test:${collectorPort}/`, target: `http://evil.test:${collectorPort}` }
  }
  for (const name of which) {
    const { url, target } = pages[name]
    const before = await state()
    const page = await context.newPage()
    const nav = await page.goto(url)
    const seen = await page.evaluate(attempts, { target })
    await page.close()
    results[name] = { navigation: nav ? nav.status() : null, before, after: await state(), ...seen }
  }
  console.log(JSON.stringify(results))
} catch (err) {
  console.error(String(err?.stack ?? err))
  process.exitCode = 1
} finally {
  clearTimeout(deadline)
  await browser.close().catch(() => {})
  server.close()
}
