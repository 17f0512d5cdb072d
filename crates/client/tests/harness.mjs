// Harness of the browser suite (crates/client/tests/web.rs, run by run-browser-tests.sh):
// starts the test stack (stack.mjs) with the wasm-bindgen-test page's origin allowed, and a
// small control server (CORS *) the tests call:
//
//   GET    /config            {simUrl, relayUrl, token, key}
//   POST   /relay/stop        stop the relay (its port then refuses connections)
//   POST   /relay/start       start it again on the same port
//   GET    /relay/requests    the relay's request log lines since the last DELETE
//   DELETE /relay/requests
//
// Environment: WANEDIT_TEST_ORIGIN (the page origin, e.g. http://127.0.0.1:8917),
// WANEDIT_HARNESS_LISTEN (default 127.0.0.1:0). Prints "harness listening on http://…" when
// ready; stops everything on SIGTERM / SIGINT.

import { createServer } from 'node:http';
import { startStack } from './stack.mjs';

const origin = process.env.WANEDIT_TEST_ORIGIN;
if (!origin) {
  console.error('WANEDIT_TEST_ORIGIN is required');
  process.exit(2);
}
const [host, port] = (process.env.WANEDIT_HARNESS_LISTEN ?? '127.0.0.1:0').split(':');

const stack = await startStack({ allowOrigins: [origin] });

const server = createServer(async (req, res) => {
  const send = (status, body) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'content-type',
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  try {
    const route = `${req.method} ${new URL(req.url, 'http://x').pathname}`;
    switch (route) {
      case 'GET /config':
        return send(200, { simUrl: stack.simUrl, relayUrl: stack.relayUrl, token: stack.token, key: stack.key });
      case 'POST /relay/stop':
        await stack.stopRelay();
        return send(200, { ok: true });
      case 'POST /relay/start':
        await stack.startRelay();
        return send(200, { ok: true });
      case 'GET /relay/requests':
        return send(200, stack.relayRequests());
      case 'DELETE /relay/requests':
        stack.clearRelayRequests();
        return send(200, { ok: true });
      default:
        if (req.method === 'OPTIONS') return send(204);
        return send(404, { error: `no route ${route}` });
    }
  } catch (e) {
    return send(500, { error: String(e) });
  }
});

server.listen(Number(port), host, () => {
  const a = server.address();
  console.log(`harness listening on http://${a.address}:${a.port}`);
  console.log(JSON.stringify({ simUrl: stack.simUrl, relayUrl: stack.relayUrl }));
});

async function shutdown() {
  server.close();
  await stack.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
