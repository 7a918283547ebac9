// Send a list of calls, in order, through one real Node analytics library.
//
//   node journey.mjs <client> <collectorUrl> <writeKey> <calls.json>
//
// <calls.json>: [[method, {userId, anonymousId, event, name, properties, traits}], ...].
// <client>: segment-node | cio-node | legacy-node | rudder-node. Only the host changes. The
// calls go out in the order given (one batch, flushed at the end); exits 0 or prints errors.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const [client, url, writeKey, callsPath] = process.argv.slice(2)
const calls = JSON.parse(readFileSync(callsPath, 'utf8'))
const errors = []
const deadline = setTimeout(() => {
  console.error(`timed out; errors so far: ${errors.join('; ')}`)
  process.exit(2)
}, 60_000)

async function nextGen (Analytics) {
  const analytics = new Analytics({ writeKey, host: url, flushInterval: 100, maxRetries: 2 })
  analytics.on('error', (err) => errors.push(String(err?.reason ?? err?.code ?? err)))
  for (const [method, msg] of calls) analytics[method](msg)
  await analytics.closeAndFlush({ timeout: 30_000 })
}

async function axiosGen (analytics) {
  const pending = calls.map(([method, msg]) => new Promise((resolve) => {
    analytics[method](msg, (err) => { if (err) errors.push(`${method}: ${err}`); resolve() })
  }))
  while (analytics.queue.length > 0) await analytics.flush()
  await Promise.all(pending)
}

try {
  if (client === 'segment-node') {
    await nextGen(require('@segment/analytics-node').Analytics)
  } else if (client === 'cio-node') {
    await nextGen(require('@customerio/cdp-analytics-node').Analytics)
  } else if (client === 'legacy-node') {
    const Analytics = require('analytics-node')
    await axiosGen(new Analytics(writeKey, { host: url, flushAt: 100, flushInterval: 100 }))
  } else if (client === 'rudder-node') {
    const Analytics = require('@rudderstack/rudder-sdk-node')
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
console.log(`${client}: sent ${calls.length} calls`)
process.exit(0)
