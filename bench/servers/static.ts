// The reference the issue compares with: Express serving one SVG file through express.static.
import path from 'node:path';
import express from 'express';

const file = process.env.BENCH_SVG_FILE ?? '';
const app = express();
app.use(express.static(path.dirname(file)));
app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  process.stdout.write('{"msg":"listening"}\n');
});
