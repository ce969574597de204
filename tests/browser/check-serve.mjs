// Drives the explorer page of `fallout serve` (docs/serve.md) in headless
// Chromium, as a user would, and checks what it shows (issue 11's browser
// test). tests/browser/serve.sh starts the server and calls this.
//
//   node check-serve.mjs URL --mode tencent [--download FILE] [--screenshot OUT.png]
//   node check-serve.mjs URL --mode hostile [--screenshot OUT.png]
//   node check-serve.mjs URL --mode shot --fail ID|--destroy ID... --screenshot OUT.png
//                        [--width 1280 --height 800]
// --wait MS: the longest wait for one step (default 30000).
//
// --mode tencent (samples/tencent-gz-2023.xml): search gz-cooling with the
// keyboard and fail it; the summary, the impact by tenant and by tier and the
// apps hit are the sample's (docs/semantics.md); open wechat-pay's why chain
// (wechat-pay first, gz-cooling last); the diagram is an inline <svg> with
// Graphviz nodes and no script; a node of the chain, a dependency and a node
// clicked in the diagram (Wide, 100%) open in the detail; fail
// a second node with the mouse; reload gives the same scenario and summary;
// Back and Forward walk the steps; a chip removes its node; every impacted
// node pages by 50 (Next, Previous); an unknown id in the URL shows the server's error (400 unknown-id) naming it; Download
// scenario saves the scenario file (to FILE, for serve.sh to run through
// `fallout report`).
// --mode hostile (tests/cli/inputs/hostile-names.xml): ids with quotes, <,
// newlines and Chinese round-trip through search, chips, the URL fragment, a
// reload, the detail and the why chain as the same text; no dialog opens and
// no element of the page carries an on* attribute or is a <script> other
// than the page's own.
// --mode shot: opens URL with that scenario, waits for the summary and the
// diagram, opens the first app's why chain and that app's detail, and takes
// the screenshot of the top of the page (the pictures of docs/serve.md).
//
// In every mode the run fails on: a console error or warning (except the
// browser's own line for the one 400 the unknown-id step asks for), an
// uncaught exception, a dialog, a crash, and any request to another origin
// than the server's (every request is routed, logged, and aborted when it
// would leave). Exit 0 with a summary line; 1 with every problem on stderr;
// 2 usage; 3 Chromium cannot be launched.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const USAGE = 'usage: node check-serve.mjs URL --mode tencent|hostile|shot [--download FILE] ' +
	'[--screenshot OUT.png] [--fail ID]... [--destroy ID]... [--width N] [--height N] [--wait MS]';

function usage(msg) {
	if (msg)
		process.stderr.write(`check-serve: ${msg}\n`);
	process.stderr.write(`${USAGE}\n`);
	process.exit(2);
}

function parseArgs(argv) {
	const o = { url: null, mode: null, download: null, screenshot: null, fail: [], destroy: [], width: 1280, height: 800, wait: 30000 };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (i + 1 >= argv.length)
				usage(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--mode')
			o.mode = val();
		else if (a === '--download')
			o.download = val();
		else if (a === '--screenshot')
			o.screenshot = val();
		else if (a === '--fail')
			o.fail.push(val());
		else if (a === '--destroy')
			o.destroy.push(val());
		else if (a === '--width' || a === '--height' || a === '--wait') {
			const v = val();
			if (!/^[1-9][0-9]*$/.test(v))
				usage(`${a} wants a whole number, not '${v}'`);
			o[a.slice(2)] = Number(v);
		} else if (a.startsWith('-'))
			usage(`unknown option '${a}'`);
		else if (o.url === null)
			o.url = a;
		else
			usage(`more than one URL: '${o.url}' and '${a}'`);
	}
	if (o.url === null || !/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):[0-9]+\/$/.test(o.url))
		usage('URL must be the server\'s http://127.0.0.1:PORT/');
	if (!['tencent', 'hostile', 'shot'].includes(o.mode || ''))
		usage('--mode is tencent, hostile or shot');
	if (o.mode === 'shot' && (!o.screenshot || o.fail.length + o.destroy.length === 0))
		usage('--mode shot needs --screenshot and at least one --fail or --destroy');
	return o;
}

const opts = parseArgs(process.argv.slice(2));
// How long one step may wait for the page (--wait: the self-test, whose
// broken pages fail by timing out, waits less).
const TIMEOUT_MS = opts.wait;
const origin = new URL(opts.url).origin;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'fallout-serve-browser-'));
process.on('exit', () => fs.rmSync(profile, { recursive: true, force: true }));
const watchdog = setTimeout(() => {
	process.stderr.write(`browser-serve: ${opts.mode}: no result after ${8 * TIMEOUT_MS / 1000} s, giving up\n`);
	process.exit(1);
}, 8 * TIMEOUT_MS);
watchdog.unref();

const problems = [];
const requests = [];   // every request the page made: "METHOD URL"
let allow400 = false;  // the unknown-id step expects one 400 and its console line
let step = 'open';
let steps = 0;

function fail(msg) {
	throw new Error(msg);
}

function check(cond, msg) {
	if (!cond)
		fail(msg);
}

// The scenario fragment exactly as the page must write it: docs/serve.md.
function fragment(fails, destroys) {
	const p = [];
	for (const id of fails)
		p.push('fail=' + encodeURIComponent(id));
	for (const id of destroys || [])
		p.push('destroy=' + encodeURIComponent(id));
	return p.length ? '#' + p.join('&') : '';
}

let context;
try {
	context = await chromium.launchPersistentContext(profile, {
		executablePath,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
		timeout: TIMEOUT_MS,
		viewport: { width: opts.width, height: opts.height },
		acceptDownloads: true,
	});
} catch (e) {
	const reason = String(e && e.message || e).replace(/\x1b\[[0-9;]*m/g, '').split('\n')
		.map((l) => l.trim()).filter(Boolean).slice(0, 20).join('\n  ');
	process.stderr.write(`browser-serve: cannot launch chromium (${executablePath}):\n  ${reason}\n`);
	process.exit(3);
}

let exitCode = 0;
let page;
try {
	context.setDefaultTimeout(TIMEOUT_MS);
	context.setDefaultNavigationTimeout(TIMEOUT_MS);
	await context.route('**/*', (route) => {
		const req = route.request();
		const url = req.url();
		requests.push(`${req.method()} ${url}`);
		let ok = false;
		try {
			ok = new URL(url).origin === origin || url.startsWith('data:') || url.startsWith('blob:' + origin);
		} catch (e) {
			ok = false;
		}
		if (ok)
			return route.continue();
		problems.push(`network: the page requested ${url} (blocked: only ${origin} is allowed)`);
		return route.abort('blockedbyclient');
	});
	page = context.pages()[0] || await context.newPage();
	page.on('console', (msg) => {
		const type = msg.type();
		if (type !== 'error' && type !== 'warning')
			return;
		if (allow400 && /status of 400/.test(msg.text()))
			return;
		problems.push(`console ${type} (step ${step}): ${msg.text()}`);
	});
	page.on('pageerror', (err) => problems.push(`page error (step ${step}): ${String(err && err.stack || err).split('\n').slice(0, 3).join(' | ')}`));
	page.on('crash', () => problems.push('the page crashed'));
	page.on('dialog', (d) => {
		problems.push(`dialog (step ${step}): ${d.type()}: ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	page.on('response', (res) => {
		const st = res.status();
		if (st >= 400 && !(allow400 && st === 400))
			problems.push(`HTTP ${st} (step ${step}): ${res.url()}`);
	});

	if (opts.mode === 'tencent')
		await tencent();
	else if (opts.mode === 'hostile')
		await hostile();
	else
		await shot();
	// Before the screenshot: Playwright hides the caret with a style
	// attribute on inputs while it takes one.
	if (opts.mode !== 'shot')
		await assertNoActiveContent();
	if (opts.screenshot && opts.mode !== 'shot')
		await page.screenshot({ path: opts.screenshot, fullPage: true });
} catch (e) {
	problems.unshift(`step ${step}: ${String(e && e.message || e).split('\n')[0]}`);
} finally {
	await context.close().catch(() => {});
}

if (problems.length) {
	process.stderr.write(`browser-serve: ${opts.mode}: FAILED, ${problems.length} problem(s):\n`);
	for (const p of problems)
		process.stderr.write(`  ${p}\n`);
	process.stderr.write(`  (${requests.length} requests: ${requests.slice(-8).join('; ')})\n`);
	exitCode = 1;
} else {
	const others = requests.filter((r) => !r.split(' ')[1].startsWith(origin));
	process.stdout.write(`browser-serve: ${opts.mode}: ${steps} steps passed, ${requests.length} requests, ` +
		`${others.length} to another origin, no console error\n`);
}
process.exit(exitCode);

// ------------------------------------------------------------------ helpers

// The next step; a problem seen during the last one (console, network)
// ends the walk there, named after the step that caused it.
async function begin(name) {
	if (problems.length)
		fail('stopped after the problems below');
	step = name;
	steps++;
}

// Waits until fn (run in the page with arg) returns a truthy value; fails
// with msg and, when given, what describe() says the page shows.
async function until(fn, arg, msg, describe) {
	try {
		return await (await page.waitForFunction(fn, arg, { timeout: TIMEOUT_MS, polling: 50 })).jsonValue();
	} catch (e) {
		let now = '';
		if (describe) {
			try {
				now = ` (the page shows: ${JSON.stringify(await page.evaluate(describe))})`;
			} catch (e2) {
				now = '';
			}
		}
		fail(`${msg}${now}`);
	}
}

// No request in flight in the page: the busy indicator is off.
async function settled() {
	await until(() => !document.getElementById('busy').classList.contains('on') &&
		document.querySelectorAll('[aria-busy=true]').length === 0, null, 'the page stays busy (loading indicator on)');
}

// (Function declarations: they are hoisted above the top-level run.)
function chipIds() {
	return [...document.querySelectorAll('#chips .chip')].map((c) =>
		c.querySelector('.chip-kind').textContent + ' ' + c.querySelector('.chip-id').textContent);
}
function summaryText() {
	return document.getElementById('summary').textContent;
}

async function summary() {
	await settled();
	return page.evaluate(summaryText);
}

async function chips() {
	return page.evaluate(chipIds);
}

async function hash() {
	return page.evaluate(() => location.hash);
}

// Types TEXT into the search box and picks the option whose id is ID with
// the arrow keys and Enter; the detail panel then shows ID.
async function searchAndOpen(text, id, shownId) {
	await page.click('#q');
	await page.fill('#q', '');
	await page.keyboard.type(text);
	await until(([want]) => !document.getElementById('q-list').hidden &&
		[...document.querySelectorAll('#q-list [role=option] .opt-id')].some((o) => o.textContent === want),
		[shownId || id], `search '${text}' offers no option ${shownId || id}`,
		() => [...document.querySelectorAll('#q-list li')].map((l) => l.textContent));
	check(await page.getAttribute('#q', 'aria-expanded') === 'true', 'the search box does not say aria-expanded=true');
	for (let i = 0; i < 25; i++) {
		await page.keyboard.press('ArrowDown');
		const sel = await page.evaluate(() => {
			const o = document.querySelector('#q-list [aria-selected=true] .opt-id');
			const act = document.getElementById('q').getAttribute('aria-activedescendant');
			return o ? { id: o.textContent, act, optId: o.parentElement.id } : null;
		});
		if (sel && sel.id === (shownId || id)) {
			check(sel.act === sel.optId, 'aria-activedescendant does not name the selected option');
			break;
		}
		check(i < 24, `ArrowDown never reaches ${shownId || id}`);
	}
	await page.keyboard.press('Enter');
	await until(([want]) => {
		const d = document.querySelector('#detail-body .detail-id');
		return d && d.textContent === want;
	}, [shownId || id], `the detail does not show ${shownId || id}`, () => document.getElementById('detail-body').textContent.slice(0, 200));
	check(await page.evaluate(() => document.getElementById('q-list').hidden), 'the completion list stays open after Enter');
}

async function assertDiagram() {
	await settled();
	const d = await until(() => {
		const svg = document.querySelector('#diagram > svg');
		if (!svg)
			return null;
		const r = svg.getBoundingClientRect();
		const nodes = [...svg.querySelectorAll('g.node')].filter((n) => {
			const b = n.getBoundingClientRect();
			return b.width > 0 && b.height > 0;
		});
		return { w: r.width, h: r.height, nodes: nodes.length, scripts: svg.querySelectorAll('script, foreignObject').length };
	}, null, 'no diagram (<svg>) in #diagram', () => document.getElementById('diagram').textContent.slice(0, 200));
	check(d.w > 100 && d.h > 50, `the diagram is ${Math.round(d.w)}x${Math.round(d.h)} px`);
	check(d.nodes > 0, 'the diagram has no visible Graphviz node (g.node)');
	check(d.scripts === 0, 'the diagram holds <script> or <foreignObject>');
	return d;
}

// No element carries an event-handler attribute, no script but the page's
// own, no javascript: link, no style attribute (the CSP would refuse it).
async function assertNoActiveContent() {
	if (!page || page.isClosed())
		return;
	step = 'no active content';
	const bad = await page.evaluate(() => {
		const out = [];
		for (const e of document.querySelectorAll('*')) {
			for (const a of e.attributes) {
				if (/^on/i.test(a.name))
					out.push(`<${e.localName} ${a.name}>`);
				if (a.name === 'style')
					out.push(`<${e.localName} style="${a.value}"> ${e.outerHTML.slice(0, 120)}`);
				if (/href$/i.test(a.name) && /^\s*javascript:/i.test(a.value))
					out.push(`<${e.localName} ${a.name}=javascript:>`);
			}
		}
		const scripts = [...document.querySelectorAll('script')].map((s) => s.getAttribute('src'));
		if (scripts.length !== 1 || scripts[0] !== '/explorer.js')
			out.push(`scripts: ${JSON.stringify(scripts)}`);
		return out.slice(0, 10);
	});
	for (const b of bad)
		problems.push(`active content: ${b}`);
}

// ------------------------------------------------------------------ tencent

async function tencent() {
	await begin('open');
	await page.goto(opts.url, { waitUntil: 'load' });
	check((await page.title()).trim() !== '', 'the page has no <title>');
	await until(() => /Nothing fails/.test(document.getElementById('summary').textContent), null,
		'the summary does not say that nothing fails', summaryText);
	await until(() => /\bnodes\b/.test(document.getElementById('estate').textContent), null,
		'the header does not show the estate (from /api/info)', () => document.getElementById('estate').textContent);
	check((await page.getAttribute('#summary', 'aria-live')) === 'polite', 'the summary is not aria-live');
	check(await page.evaluate(() => document.querySelector('label[for=q]') !== null), 'the search box has no <label>');
	await assertDiagram();

	await begin('Escape closes the completion');
	await page.click('#q');
	await page.keyboard.type('gz-');
	await until(() => !document.getElementById('q-list').hidden, null, 'typing gz- opens no completion list');
	await page.keyboard.press('Escape');
	await until(() => document.getElementById('q-list').hidden && document.getElementById('q').getAttribute('aria-expanded') === 'false',
		null, 'Escape does not close the completion list');
	await page.keyboard.press('Escape');
	check(await page.inputValue('#q') === '', 'a second Escape does not empty the search box');

	await begin('Enter right after typing opens the best match of the text typed');
	await page.click('#q');
	await page.keyboard.type('gz-');
	await until(() => !document.getElementById('q-list').hidden, null, 'typing gz- opens no completion list');
	await page.keyboard.type('hall-2');
	await page.keyboard.press('Enter');
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'gz-hall-2', null,
		'Enter typed at once after gz-hall-2 does not open gz-hall-2', () => document.getElementById('detail-body').textContent.slice(0, 100));

	await begin('search and fail with the keyboard');
	await searchAndOpen('gz-cool', 'gz-cooling');
	check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'act-fail'),
		'after Enter in the completion, the focus is not on the Fail button');
	await page.keyboard.press('Enter');
	await until(() => location.hash === '#fail=gz-cooling', null, 'the URL fragment is not #fail=gz-cooling', () => location.hash);
	await until(() => /6 apps down/.test(document.getElementById('summary').textContent), null,
		'the summary does not say 6 apps down', summaryText);
	const one = await summary();
	check(/2 degraded/.test(one) && /2 at risk/.test(one), `the summary lacks 2 degraded, 2 at risk: ${one}`);
	check(JSON.stringify(await chips()) === JSON.stringify(['fail gz-cooling']), `chips: ${JSON.stringify(await chips())}`);
	const tenants = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#by-tenant tbody tr')]
		.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent])));
	check(tenants.wechat === '3' && tenants.qq === '3', `by tenant, apps down: ${JSON.stringify(tenants)}, expected wechat 3, qq 3`);
	const tiers = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#by-tier tbody tr')]
		.map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent + '/' + tr.cells[3].textContent])));
	check(tiers['tier 1'] === '1/2' && tiers['tier 2'] === '4/0' && tiers['tier 3'] === '1/0',
		`by tier (down/degraded): ${JSON.stringify(tiers)}, expected tier 1 1/2, tier 2 4/0, tier 3 1/0`);
	const hits = await page.evaluate(() => [...document.querySelectorAll('#hits .hit-id')].map((h) => h.textContent).sort());
	const want = ['qq-file-transfer', 'qq-mail', 'qq-msg', 'qzone', 'wechat-chat', 'wechat-moments', 'wechat-pay', 'wechat-voice'];
	check(JSON.stringify(hits) === JSON.stringify(want), `apps hit: ${JSON.stringify(hits)}`);
	await assertDiagram();

	await begin('why chain');
	const pay = page.locator('#hits .hit', { has: page.locator('.hit-id', { hasText: /^wechat-pay$/ }) });
	await pay.locator('summary').click();
	await until(() => {
		const ids = [...document.querySelectorAll('#hits details[open] .chain > li > .nodelink')].map((b) => b.textContent);
		return ids.length >= 2 && ids[0] === 'wechat-pay' && ids[ids.length - 1] === 'gz-cooling';
	}, null, 'the why chain of wechat-pay does not run from wechat-pay to gz-cooling',
	() => document.querySelector('#hits details[open]') && document.querySelector('#hits details[open]').textContent.slice(0, 300));
	const text = await pay.locator('.whytext').textContent();
	check(text.startsWith('wechat-pay is down'), `the why text starts: ${JSON.stringify(text.slice(0, 60))}`);

	await begin('single points of failure of an app');
	await pay.locator('.chain .nodelink', { hasText: /^wechat-pay$/ }).click();
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'wechat-pay', null,
		'the detail does not show wechat-pay');
	await page.click('#act-spof');
	await until(() => [...document.querySelectorAll('#detail-body .spof-body .nodelink')].some((b) => b.textContent === 'access'),
		null, 'the SPOFs of wechat-pay do not list access', () => (document.querySelector('#detail-body .spof') || {}).textContent);

	await begin('a chain step opens its node');
	await pay.locator('.chain .nodelink', { hasText: /^gz-hall-1$/ }).click();
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'gz-hall-1', null,
		'the detail does not show gz-hall-1', () => document.getElementById('detail-body').textContent.slice(0, 200));
	await until(() => [...document.querySelectorAll('#detail-body .groups .nodelink')].some((b) => b.textContent === 'gz-cooling'),
		null, 'the detail of gz-hall-1 does not list its dependency gz-cooling');
	// A dependency is a link too.
	await page.locator('#detail-body .groups .nodelink', { hasText: /^gz-cooling$/ }).click();
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'gz-cooling', null,
		'clicking the dependency gz-cooling does not open it');
	check(await page.locator('#act-remove').count() === 1, 'the detail of a failed node offers no "Remove from the scenario"');

	await begin('a node of the diagram opens in the detail');
	await page.click('#wide');
	await page.click('#zoom-1');
	const box = page.locator('#diagram svg g.node a', { has: page.locator('title', { hasText: /^wx-pay-gw \(service\): / }) });
	check(await box.count() === 1, `the diagram has ${await box.count()} boxes titled wx-pay-gw (service)`);
	await box.scrollIntoViewIfNeeded();
	await box.click();
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'wx-pay-gw', null,
		'clicking wx-pay-gw in the diagram does not open it', () => document.getElementById('detail-body').textContent.slice(0, 200));
	await page.click('#wide');
	await page.click('#zoom-fit');

	await begin('fail a second node with the mouse');
	await page.fill('#q', 'sh-d');
	await page.locator('#q-list [role=option]', { has: page.locator('.opt-id', { hasText: /^sh-dc$/ }) }).click();
	await until(() => (document.querySelector('#detail-body .detail-id') || {}).textContent === 'sh-dc', null, 'the detail does not show sh-dc');
	await page.click('#act-fail');
	await until(() => location.hash === '#fail=gz-cooling&fail=sh-dc', null, 'the fragment is not #fail=gz-cooling&fail=sh-dc', () => location.hash);
	const two = await summary();
	check(two !== one, 'the summary did not change when sh-dc failed');
	check(JSON.stringify(await chips()) === JSON.stringify(['fail gz-cooling', 'fail sh-dc']), `chips: ${JSON.stringify(await chips())}`);

	await begin('reload');
	await page.reload({ waitUntil: 'load' });
	await until(() => document.querySelectorAll('#chips .chip').length === 2 && !/Nothing fails/.test(document.getElementById('summary').textContent) &&
		document.getElementById('summary').textContent !== '', null, 'after a reload the scenario is not back', chipIds);
	check(await summary() === two, `after a reload the summary differs: ${await summary()}`);
	check(JSON.stringify(await chips()) === JSON.stringify(['fail gz-cooling', 'fail sh-dc']), `chips after reload: ${JSON.stringify(await chips())}`);
	await assertDiagram();

	await begin('back');
	await page.goBack();
	await until(() => location.hash === '#fail=gz-cooling', null, 'Back does not return to #fail=gz-cooling', () => location.hash);
	await until(([s]) => document.getElementById('summary').textContent === s, [one], 'after Back the summary is not the one of gz-cooling alone', summaryText);
	check(JSON.stringify(await chips()) === JSON.stringify(['fail gz-cooling']), `chips after Back: ${JSON.stringify(await chips())}`);

	await begin('forward');
	await page.goForward();
	await until(() => location.hash === '#fail=gz-cooling&fail=sh-dc', null, 'Forward does not return to both failures', () => location.hash);
	await until(([s]) => document.getElementById('summary').textContent === s, [two], 'after Forward the summary is not the one of both', summaryText);

	await begin('a chip removes its node');
	await page.locator('#chips .chip', { has: page.locator('.chip-id', { hasText: /^sh-dc$/ }) }).click();
	await until(() => location.hash === '#fail=gz-cooling', null, 'removing the sh-dc chip does not leave #fail=gz-cooling', () => location.hash);
	check(await page.evaluate(() => document.activeElement && document.activeElement.classList.contains('chip') &&
		document.activeElement.querySelector('.chip-id').textContent === 'gz-cooling'),
	'after removing the last chip, the focus is not on the chip left (gz-cooling)');
	await until(([s]) => document.getElementById('summary').textContent === s, [one], 'after removing sh-dc the summary is not the one of gz-cooling', summaryText);

	await begin('download the scenario');
	const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
	const file = opts.download || path.join(profile, 'scenario.xml');
	await dl.saveAs(file);
	const xml = fs.readFileSync(file, 'utf8');
	check(/<scenarios[\s>]/.test(xml) && /<fail ref="gz-cooling"\s*\/>/.test(xml), `the downloaded scenario is not the scenario file of gz-cooling: ${xml.slice(0, 200)}`);

	await begin('unknown id');
	allow400 = true;
	await page.goto(opts.url + '#fail=gz-cooling&fail=no-such-node', { waitUntil: 'load' });
	await until(() => {
		const e = document.getElementById('error');
		return !e.hidden && /unknown-id/.test(e.textContent) && /no-such-node/.test(e.textContent);
	}, null, 'an unknown id in the URL shows no error naming it (400 unknown-id)', () => document.getElementById('error').textContent);
	check(await page.locator('#chips .chip-unknown').count() === 1, 'the unknown id\'s chip is not marked');
	await settled();
	await page.locator('#chips .chip-unknown').click();
	await until(() => location.hash === '#fail=gz-cooling' && document.getElementById('error').hidden, null,
		'removing the unknown chip does not clear the error', () => location.hash);
	await until(([s]) => document.getElementById('summary').textContent === s, [one], 'the summary is not back after removing the unknown id', summaryText);
	allow400 = false;

	await begin('list every node, page');
	await page.goto(opts.url + '#fail=gz-cooling&fail=sh-dc', { waitUntil: 'load' });
	await until(() => /8 apps down/.test(document.getElementById('summary').textContent), null, 'gz-cooling and sh-dc: not 8 apps down', summaryText);
	await page.check('input[name=list][value=nodes]');
	const pageOf = () => [document.getElementById('hit-count').textContent, document.getElementById('page').textContent,
		document.querySelectorAll('#hits > li').length];
	await until(() => /^62 impacted nodes/.test(document.getElementById('hit-count').textContent) &&
		document.getElementById('page').textContent === '1–50 of 62' && document.querySelectorAll('#hits > li').length === 50,
	null, 'every node: not 62 impacted nodes, 50 on page 1', pageOf);
	await page.click('#next');
	await until(() => document.getElementById('page').textContent === '51–62 of 62' && document.querySelectorAll('#hits > li').length === 12,
		null, 'Next does not show 51–62 of 62', pageOf);
	check(await page.isDisabled('#next'), 'Next is enabled on the last page');
	await page.click('#prev');
	await until(() => document.getElementById('page').textContent === '1–50 of 62', null, 'Previous does not return to 1–50', pageOf);
	await page.check('input[name=list][value=apps]');
	await until(() => /^8 apps hit/.test(document.getElementById('hit-count').textContent), null, 'back to the apps: not 8 apps hit', pageOf);
	await settled();

	await begin('clear');
	await page.click('#clear');
	await until(() => location.hash === '' && /Nothing fails/.test(document.getElementById('summary').textContent), null,
		'Clear does not empty the scenario', summaryText);
	await settled();
}

// ------------------------------------------------------------------ hostile

async function hostile() {
	const APP = 'app " onload="x';
	const RACK = 'rack\n-> n0 [shape=box]';
	const RACK_SHOWN = 'rack\u21b5-> n0 [shape=box]';
	const CN = '微信 "]; evil [label="x';

	await begin('open');
	await page.goto(opts.url, { waitUntil: 'load' });
	await until(() => /Nothing fails/.test(document.getElementById('summary').textContent), null, 'the page does not open', summaryText);
	await until(() => /onload/.test(document.getElementById('estate').textContent), null,
		'the estate\'s hostile name is not shown as text', () => document.getElementById('estate').textContent);

	await begin('search a hostile id and fail it');
	await searchAndOpen('app "', APP);
	await page.click('#act-fail');
	await until(([f]) => location.hash === f, [fragment([APP])], 'the fragment does not encode the id', () => location.hash);
	check(JSON.stringify(await chips()) === JSON.stringify(['fail ' + APP]), `chips: ${JSON.stringify(await chips())}`);
	await settled();

	await begin('Chinese id');
	await searchAndOpen('微信', CN);
	await page.click('#act-destroy');
	await until(([f]) => location.hash === f, [fragment([APP], [CN])], 'the fragment of a Chinese id', () => location.hash);
	await settled();

	await begin('an id with a newline, from the URL');
	await page.goto(opts.url + fragment([APP, RACK], [CN]), { waitUntil: 'load' });
	await until(() => document.querySelectorAll('#chips .chip').length === 3, null, 'three chips', chipIds);
	check(JSON.stringify(await chips()) === JSON.stringify(['fail ' + APP, 'fail ' + RACK_SHOWN, 'destroy ' + CN]),
		`chips: ${JSON.stringify(await chips())}`);
	const s = await summary();
	check(/apps? down/.test(s), `the summary of the hostile scenario: ${s}`);
	check(await page.evaluate(() => document.getElementById('error').hidden), 'the hostile scenario shows an error: ' +
		await page.evaluate(() => document.getElementById('error').textContent));

	await begin('reload');
	await page.reload({ waitUntil: 'load' });
	await until(() => document.querySelectorAll('#chips .chip').length === 3, null, 'three chips after reload', chipIds);
	check(await summary() === s, 'the summary differs after reload');

	await begin('why of a hostile app');
	const items = page.locator('#hits .hit');
	check(await items.count() >= 1, 'no app hit');
	await items.first().locator('summary').click();
	await until(() => document.querySelectorAll('#hits details[open] .chain > li').length >= 1, null, 'no why chain');
	await settled();
	const texts = await page.evaluate(() => [...document.querySelectorAll('#hits .hit-name')].map((n) => n.textContent));
	check(texts.some((t) => t.includes('<script>alert(1)</script>')), `the hostile app name is not shown as text: ${JSON.stringify(texts)}`);
	await assertDiagram();

	await begin('detail of the rack');
	await page.goto(opts.url + fragment([RACK]), { waitUntil: 'load' });
	await settled();
	await page.locator('#chips .chip').first().waitFor();
	await searchAndOpen('rack', RACK, RACK_SHOWN);
	check(await page.locator('#act-remove').count() === 1, 'the failed rack has no Remove button');
	await page.click('#act-remove');
	await until(() => location.hash === '' && /Nothing fails/.test(document.getElementById('summary').textContent), null,
		'Remove does not empty the scenario', () => location.hash);
	await settled();
}

// ------------------------------------------------------------------ shot

async function shot() {
	await begin('open');
	await page.goto(opts.url + fragment(opts.fail, opts.destroy), { waitUntil: 'load' });
	await until(() => /apps? down|Nothing fails/.test(document.getElementById('summary').textContent), null,
		'no summary', summaryText);
	await assertDiagram();
	await settled();
	await assertNoActiveContent();
	step = 'shot';
	check(await page.evaluate(() => document.getElementById('error').hidden), 'an error is shown: ' +
		await page.evaluate(() => document.getElementById('error').textContent));
	// The first app's why chain open, as a reader would.
	const first = page.locator('#hits .hit').first();
	if (await first.count()) {
		await first.locator('summary').click();
		await until(() => document.querySelectorAll('#hits details[open] .chain > li').length >= 1, null, 'no why chain');
		// ... and that app in the detail.
		await page.locator('#hits details[open] .chain .nodelink').first().click();
		await until(() => document.querySelector('#detail-body .detail-id') !== null, null, 'no detail');
		await settled();
	}
	await page.evaluate(() => window.scrollTo(0, 0));
	await page.screenshot({ path: opts.screenshot, fullPage: false });
}
