'use strict';

const http = require('http');

const PORT = 8080;
const HOST = '0.0.0.0';

const server = http.createServer((req, res) => {
  console.log(`${req.method} ${req.url} from ${req.socket.remoteAddress}`);
  res.end('Hello World from Node.js ' + process.version + '\n');
});
server.listen(PORT, HOST, () => {
  console.log(`Running on http://${HOST}:${PORT}`);
});
