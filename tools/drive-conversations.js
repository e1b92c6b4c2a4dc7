// Plays testers' conversations (test/conversations/testers/*.json: [{ n, title, turns: [text] }])
// against a running bot over HTTP (expectReplies) and prints every reply, for a person to judge.
//   BOT_URL=http://127.0.0.1:3978 node tools/drive-conversations.js FILE OUT.json [n,n,...]
const fs = require('fs');
const [,, inFile, outFile, only] = process.argv;
if (!inFile || !outFile) {
  console.error('usage: node tools/drive-conversations.js FILE OUT.json [n,n,...]');
  process.exit(2);
}
const convs = JSON.parse(fs.readFileSync(inFile, 'utf8'));
const BASE = (process.env.BOT_URL || 'http://127.0.0.1:3978').replace(/\/$/, '');
const URL = `${BASE}/api/messages`;
const run = Date.now().toString(36);
async function send(cid, n, text) {
  const body = { type: 'message', id: `m${n}`, channelId: 'webchat', serviceUrl: `${BASE}/`,
    deliveryMode: 'expectReplies', conversation: { id: cid }, from: { id: 'u-' + cid, name: 'user' },
    recipient: { id: 'bot' }, text };
  const t0 = Date.now();
  const r = await fetch(URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(60000) });
  const raw = await r.text();
  let j = {}; try { j = JSON.parse(raw); } catch { }
  const acts = (j.activities || []).filter(a => a.type === 'message' || a.type === 'event').map(a => ({
    type: a.type, name: a.name, text: a.text || '', buttons: (a.suggestedActions?.actions || []).map(x => x.title),
    attachments: (a.attachments || []).map(x => x.contentType) }));
  return { status: r.status, ms: Date.now() - t0, acts };
}
(async () => {
  const out = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : {};
  for (const c of convs) {
    if (only && !only.split(',').includes(String(c.n))) continue;
    const cid = `t-${run}-${c.n}`;
    const turns = [];
    console.log(`\n===== #${c.n} ${c.title}`);
    for (let i = 0; i < c.turns.length; i++) {
      const res = await send(cid, i + 1, c.turns[i]);
      turns.push({ user: c.turns[i], ...res });
      console.log(`USER: ${c.turns[i]}`);
      for (const a of res.acts) {
        if (a.type === 'event') { console.log(`  [event ${a.name}]`); continue; }
        console.log('  BOT: ' + a.text.replace(/\s*\n+\s*/g, ' ⏎ '));
        if (a.buttons.length) console.log('    [buttons: ' + a.buttons.join(' | ') + ']');
        if (a.attachments.length) console.log('    [attach: ' + a.attachments.join(',') + ']');
      }
      if (res.status >= 300) console.log('  HTTP ' + res.status);
    }
    out[c.n] = { title: c.title, cid, turns };
    fs.writeFileSync(outFile, JSON.stringify(out, null, 1));
  }
})();
