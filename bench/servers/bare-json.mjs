// Baseline for the partners API: bare node:http serialising the same page of partners on every request.
// Run with PORT and BODY_FILE (a JSON response captured from OpenPRM in the same run).
import { readFileSync } from 'node:fs';
import http from 'node:http';

const page = JSON.parse(readFileSync(process.env.BODY_FILE, 'utf8'));

http
  .createServer((_req, res) => {
    const body = JSON.stringify(page);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
