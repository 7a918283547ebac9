// Drive one real, unmodified Node analytics library against the collector.
//
//   node send.mjs <client> <collectorUrl> <writeKey> <scenario.json>
//
// <client>: segment-node | legacy-node | cio-node | rudder-node. Only the host is changed from
// each library's defaults (plus short flush intervals so the test is quick). Sends identify,
// track, page, screen, group, alias and a burst, flushes, closes, and exits 0 -- or prints the
// error and exits 1. pytest then checks what arrived through /api/events.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const [client, url, writeKey, scenarioPath] = process.argv.slice(2)
const sc = JSON.parse(readFileSync(scenarioPath, 'utf8'))
const errors = []
const deadline = setTimeout(() => {
  console.error(`timed out; errors so far: ${errors.join('; ')}`)
  process.exit(2)
}, 60_000)

function burstProperties (i) {
  // keep in step with harness.burst_properties
  return { i, tag: sc.tag, pad: 'x'.repeat(i % 50), even: i % 2 === 0 }
}

// the six calls and the burst, as plain Segment-spec objects every library accepts
function calls () {
  const u = sc.userId
  const out = [
    ['identify', { userId: u, traits: sc.identify.traits }],
    ['track', { userId: u, event: sc.track.event, properties: sc.track.properties }],
    ['page', { userId: u, category: sc.page.category, name: sc.page.name, properties: sc.page.properties }],
    ['screen', { userId: u, category: sc.screen.category, name: sc.screen.name, properties: sc.screen.properties }],
    ['group', { userId: u, groupId: sc.group.groupId, traits: sc.group.traits }],
    ['alias', { userId: u, previousId: sc.alias.previousId }]
  ]
  for (let i = 0; i < sc.burst; i++) {
    out.push(['track', { userId: u, event: sc.burstEvent, properties: burstProperties(i) }])
  }
  return out
}

async function nextGen (Analytics) {
  // @segment/analytics-node and its Customer.io fork share the same API
  const analytics = new Analytics({ writeKey, host: url, flushInterval: 100, maxEventsInBatch: 100, maxRetries: 2 })
  analytics.on('error', (err) => errors.push(String(err?.reason ?? err?.code ?? err)))
  for (const [method, msg] of calls()) {
    analytics[method](msg)
  }
  await analytics.closeAndFlush({ timeout: 30_000 })
}

async function axiosGen (analytics) {
  // the legacy Segment lib and RudderStack's: callbacks per call, flush() sends one batch
  const pending = []
  for (const [method, msg] of calls()) {
    pending.push(new Promise((resolve) => {
      analytics[method](msg, (err) => { if (err) errors.push(`${method}: ${err}`); resolve() })
    }))
  }
  while (analytics.queue.length > 0) {
    await analytics.flush()
  }
  await Promise.all(pending)
}

try {
  if (client === 'segment-node') {
    const { Analytics } = require('@segment/analytics-node')
    await nextGen(Analytics)
  } else if (client === 'cio-node') {
    const { Analytics } = require('@customerio/cdp-analytics-node')
    await nextGen(Analytics)
  } else if (client === 'legacy-node') {
    const Analytics = require('analytics-node')
    await axiosGen(new Analytics(writeKey, { host: url, flushAt: 100, flushInterval: 100 }))
  } else if (client === 'rudder-node') {
    const Analytics = require('@rudderstack/rudder-sdk-node')
    // gzip is on by default: the body is sent gzipped, labelled x-www-form-urlencoded
    await axiosGen(new Analytics(writeKey, { dataPlaneUrl: url, flushAt: 100, flushInterval: 100, logLevel: 'error' }))
  } else {
    throw new Error(`unknown client ${client}`)
  }
} catch (err) {
  errors.push(String(err?.stack ?? err))
}
clearTimeout(deadline)
if (errors.length) {
  console.error(errors.join('\n'))
  process.exit(1)
}
console.log(`${client}: sent ${6 + sc.burst} events`)
process.exit(0)
