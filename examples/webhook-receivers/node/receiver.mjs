// A Mailroom webhook receiver that verifies Standard Webhooks signatures, with Node alone.
//
//   MAILROOM_WEBHOOK_SECRET=whsec_... PORT=9000 node receiver.mjs
//
// Subscribe http://localhost:9000/hooks (the quick start allows localhost receivers).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

// Older or newer deliveries are refused, so a captured request cannot be replayed later.
const TOLERANCE_SECONDS = 5 * 60;

const secret = process.env.MAILROOM_WEBHOOK_SECRET ?? '';
if (!secret.startsWith('whsec_')) {
  console.error('Set MAILROOM_WEBHOOK_SECRET to the whsec_ secret shown at subscription');
  process.exit(2);
}
const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
const port = Number(process.env.PORT ?? 9000);
// Retries carry the same webhook-id: remember recent ones so an event is handled once.
const seen = new Set();

function verify(id, timestamp, signatures, body) {
  const sentAt = Number(timestamp);
  if (!Number.isInteger(sentAt)) return 'bad webhook-timestamp';
  if (Math.abs(Date.now() / 1000 - sentAt) > TOLERANCE_SECONDS) {
    return 'timestamp outside tolerance';
  }
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.`)
    .update(body) // the raw bytes: re-serialized JSON would not match what was signed
    .digest();
  // While a secret rotates the header carries one signature per secret, space-separated.
  const valid = signatures.split(' ').some((candidate) => {
    if (!candidate.startsWith('v1,')) return false;
    const given = Buffer.from(candidate.slice(3), 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return valid ? null : 'invalid signature';
}

createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const id = request.headers['webhook-id'];
    const timestamp = request.headers['webhook-timestamp'];
    const signatures = request.headers['webhook-signature'];
    let status = 204;
    let line;
    if (!id || !timestamp || !signatures) {
      status = 400;
      line = 'refused: missing webhook headers';
    } else {
      const problem = verify(id, timestamp, signatures, body);
      if (problem) {
        status = problem === 'bad webhook-timestamp' ? 400 : 401;
        line = `refused: ${problem}`;
      } else {
        const first = !seen.has(id);
        seen.add(id);
        if (seen.size > 10000) seen.delete(seen.values().next().value);
        // A real receiver parses the JSON here ({"type", "timestamp", "data"}) and queues the work.
        line = `${first ? 'verified' : 'duplicate'} ${id} ${body.toString('utf8')}`;
      }
    }
    console.log(line);
    response.writeHead(status).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`ready on port ${port}`));
