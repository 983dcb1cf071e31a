// The ceiling: a bare node:http server writing one fixed SVG buffer (BENCH_SVG_FILE), nothing else.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const body = readFileSync(process.env.BENCH_SVG_FILE ?? '');
const headers = { 'Content-Type': 'image/svg+xml', 'Content-Length': String(body.length) };
http
  .createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => {
    process.stdout.write('{"msg":"listening"}\n');
  });
