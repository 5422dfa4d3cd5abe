// A reverse proxy between the browser and the server, so a test can do to
// the network what the field does: pass everything, answer like a captive
// portal (200 with an HTML login page), cut connections, or follow the
// server to a new port after a restart. The page's origin is the proxy's,
// so the device's storage survives a server restart.

import http from 'node:http';

const PORTAL_PAGE = '<!doctype html><html><body><h1>Welcome to Hotel Wi-Fi</h1><p>Please log in.</p></body></html>';

/**
 * Starts the proxy in front of `target` (`http://127.0.0.1:port`).
 * `mode`: 'pass' | 'portal' (every /api/ request gets the portal page) |
 * 'down' (every connection is cut). `afterForward(req)`: called once a
 * request to the server has been sent whole (a test can kill the server
 * then, with the request in flight).
 */
export async function startProxy(target) {
  const state = { target: new URL(target), mode: 'pass', afterForward: null, requests: [] };
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    if (state.mode === 'down') {
      req.socket.destroy();
      return;
    }
    if (state.mode === 'portal' && req.url.startsWith('/api/')) {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PORTAL_PAGE);
      return;
    }
    const upstream = http.request({
      host: state.target.hostname,
      port: state.target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: state.target.host },
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
      answer.on('error', () => res.socket?.destroy());
    });
    // The server went away mid-request: the device sees the connection cut.
    upstream.on('error', () => res.socket?.destroy());
    upstream.on('finish', () => state.afterForward?.(req));
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    set mode(mode) { state.mode = mode; },
    get mode() { return state.mode; },
    retarget(url) { state.target = new URL(url); },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
