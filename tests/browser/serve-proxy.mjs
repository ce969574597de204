// Self-test helper of check-serve.mjs: a proxy in front of a running
// `fallout serve` that breaks its explorer page in one way, so that
// serve.sh can show that check-serve.mjs fails such a page for the right
// reason (a check that cannot fail proves nothing).
//
//   node serve-proxy.mjs UPSTREAM_URL FILE FROM TO [--no-csp]
//
// Every request is forwarded to UPSTREAM_URL (http://127.0.0.1:PORT/);
// in the answer for FILE (/ or /explorer.js or /explorer.css) the fixed
// string FROM is replaced by TO, and the proxy exits 2 at start when FROM
// is not there (an edit that edits nothing tests nothing). --no-csp drops
// the Content-Security-Policy header, so that what the CSP would stop is
// left to check-serve.mjs to see. Prints "proxy: http://127.0.0.1:PORT/"
// when ready; stops on SIGTERM.

import http from 'node:http';

const [upstream, file, from, to, flag] = process.argv.slice(2);
if (!upstream || !file || from === undefined || to === undefined || (flag && flag !== '--no-csp')) {
	process.stderr.write('usage: node serve-proxy.mjs UPSTREAM_URL FILE FROM TO [--no-csp]\n');
	process.exit(2);
}
const up = new URL(upstream);

function fetchUpstream(path, method, headers) {
	return new Promise((resolve, reject) => {
		const req = http.request({ host: up.hostname, port: up.port, path, method, headers }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
		});
		req.on('error', reject);
		req.end();
	});
}

const first = await fetchUpstream(file, 'GET', {});
if (!first.body.toString('utf8').includes(from)) {
	process.stderr.write(`serve-proxy: ${file} does not contain the text to replace: ${from}\n`);
	process.exit(2);
}

const server = http.createServer(async (req, res) => {
	try {
		const headers = { ...req.headers, host: up.host };
		const r = await fetchUpstream(req.url, req.method, headers);
		let body = r.body;
		const out = { ...r.headers };
		if (new URL(req.url, 'http://x').pathname === file) {
			body = Buffer.from(body.toString('utf8').split(from).join(to), 'utf8');
			out['content-length'] = String(body.length);
		}
		if (flag === '--no-csp')
			delete out['content-security-policy'];
		delete out.connection;
		delete out['transfer-encoding'];
		res.writeHead(r.status, out);
		res.end(body);
	} catch (e) {
		res.writeHead(502, { 'content-type': 'text/plain' });
		res.end(String(e));
	}
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`proxy: http://127.0.0.1:${server.address().port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
