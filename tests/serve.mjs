// Serves a directory (default: dist/) on 127.0.0.1 with the e2e harness's static server.
// Usage: node tests/serve.mjs [dir] [port]     (port 0 = any free port; default 8080)
import { resolve } from 'node:path';
import { DIST_DIR, serveStatic } from './harness.mjs';

const dir = resolve(process.argv[2] ?? DIST_DIR);
const port = Number(process.argv[3] ?? 8080);
const { url, close } = await serveStatic(dir, port);
console.log(`serving ${dir} at ${url} (Ctrl-C to stop)`);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => close().then(() => process.exit(0)));
