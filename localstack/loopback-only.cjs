// Preloaded with `node --require` before kinesis-mock: it binds every server to 0.0.0.0
// and has no host setting, so force each TCP listen (net, http, https, tls all go through
// net.Server.prototype.listen) onto LOCAL_CLOUD_BIND_HOST (default 127.0.0.1).
'use strict';
const net = require('net');

const bindHost = process.env.LOCAL_CLOUD_BIND_HOST || '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function patchedListen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, backlog][, cb]); leave unix sockets / handles alone.
    if (first.path === undefined && first.handle === undefined && first._handle === undefined
        && first.fd === undefined) {
      args[0] = Object.assign({}, first, { host: bindHost });
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb])
    if (typeof args[1] === 'string') {
      args[1] = bindHost;
    } else {
      args.splice(1, 0, bindHost);
    }
  } else if (first === undefined || typeof first === 'function') {
    // listen([cb]): random port
    args.unshift(0, bindHost);
  }
  return originalListen.apply(this, args);
};
